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
public sealed class AttributeEmbeddingEstimator : ZeroShotTrainingEstimator<AttributeEmbeddingOptions>
{
    /// <summary>Creates the estimator; the options are checked now.</summary>
    public AttributeEmbeddingEstimator(IHostEnvironment env, AttributeEmbeddingOptions options) : base(env, options)
    {
    }

    private protected override string VectorColumnName => "Embedding";

    /// <summary>Trains f and g on the seen-class rows.</summary>
    /// <exception cref="ArgumentException">A column is wrong, a training class is not in the table, or there is no candidate class.</exception>
    public override ZeroShotTransformer Fit(IDataView input)
    {
        var (rows, seen, candidates) = ZeroShotTraining.Read(input, Options);
        var table = Options.ClassDescriptions!;
        var network = ClassifierTrainer.CreateNetwork(Options.Network, rows.Length, Options.EmbeddingSize, Options.Seed, nameof(AttributeEmbeddingOptions.Network));
        float[] projection = [];
        TrainingRun.Execute(Environment, "AttributeEmbedding", Options, rows, network, context =>
        {
            using var label = torch.nn.Linear(table.Length, Options.EmbeddingSize, hasBias: false).to(context.Device);
            using var seenTable = torch.tensor(table.Matrix(seen), [seen.Length, table.Length], device: context.Device);
            var report = context.Run(new AttributeEmbeddingStep(network, label, context.Features, context.Labels, seenTable, Options.Margin), Options);
            projection = label.weight!.cpu().contiguous().data<float>().ToArray();
            return report;
        });
        var scorer = new AttributeEmbeddingScorer(network, Options.Device, projection, table.Matrix(candidates), candidates.Length);
        return new ZeroShotTransformer(scorer, Options.FeatureColumnName, VectorColumnName, Options.ScoreColumnName, Options.PredictedLabelColumnName, seen, candidates);
    }
}
