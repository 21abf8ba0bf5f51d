using Microsoft.ML;
using Microsoft.ML.Runtime;
using TorchSharp;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Data;
using TransferLearning.ML.Training;
using TransferLearning.ML.Torch.ZeroShot;

namespace TransferLearning.ML.ZeroShot;

/// <summary>
/// Attribute label embedding (Frome et al. 2013, DeViSE; Akata et al. 2013, ALE): an image network
/// f(x) and a linear label network g(y) = W φ(y) map features and class descriptions into one
/// space, trained on seen-class rows with the max-margin ranking loss
/// max(0, k − f(x_n)·g(y_n) + max_{m≠n} f(x_n)·g(y_m)); a new row gets the candidate maximising
/// f(x)·g(y). Outputs the <c>Embedding</c> f(x), <c>Score</c> = f(x)·g(y) per candidate and
/// <c>PredictedLabel</c>.
/// </summary>
public sealed class AttributeEmbeddingEstimator : IEstimator<ZeroShotTransformer>
{
    private readonly IHostEnvironment _env;
    private readonly AttributeEmbeddingOptions _options;

    /// <summary>Creates the estimator; the options are checked now.</summary>
    public AttributeEmbeddingEstimator(IHostEnvironment env, AttributeEmbeddingOptions options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _env = env;
        _options = options;
    }

    /// <summary>Trains f and g on the seen-class rows.</summary>
    public ZeroShotTransformer Fit(IDataView input)
    {
        var (rows, seen, candidates) = ZeroShotTraining.Read(input, _options);
        var table = _options.ClassDescriptions!;
        var network = ClassifierTrainer.CreateNetwork(_options.Network, rows.Length, _options.EmbeddingSize, _options.Seed, nameof(AttributeEmbeddingOptions.Network));
        float[] projection = [];
        TrainingRun.Execute(_env, "AttributeEmbedding", _options, rows, network, context =>
        {
            using var label = torch.nn.Linear(table.Length, _options.EmbeddingSize, hasBias: false).to(context.Device);
            using var seenTable = torch.tensor(table.Matrix(seen), [seen.Length, table.Length], device: context.Device);
            var report = context.Run(new AttributeEmbeddingStep(network, label, context.Features, context.Labels, seenTable, _options.Margin), _options);
            projection = label.weight!.cpu().contiguous().data<float>().ToArray();
            return report;
        });
        var scorer = new AttributeEmbeddingScorer(network, _options.Device, projection, table.Matrix(candidates), candidates.Length);
        return new ZeroShotTransformer(scorer, _options.FeatureColumnName, "Embedding", _options.ScoreColumnName, _options.PredictedLabelColumnName, seen, candidates);
    }

    /// <summary>The input schema plus Embedding, Score and PredictedLabel.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ColumnChecks.FloatVector(inputSchema, _options.FeatureColumnName, "Feature");
        ColumnChecks.KeyLabel(inputSchema, _options.LabelColumnName);
        return ZeroShotTraining.OutputShape(inputSchema, "Embedding", _options);
    }
}
