using Microsoft.ML;
using Microsoft.ML.Runtime;
using TorchSharp;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Data;
using TransferLearning.ML.Training;
using TransferLearning.ML.Torch.ZeroShot;

namespace TransferLearning.ML.ZeroShot;

/// <summary>
/// Zero-shot learning by class attributes: a network learns to predict every attribute from the
/// features on seen-class rows (each row's target is its class's description), and a new row is
/// given the candidate class whose description best matches the prediction: direct attribute
/// prediction for binary attributes (Lampert, Nickisch and Harmeling, CVPR 2009: the sum of
/// log-probabilities of the class's attribute values; Score is the resulting posterior over the
/// candidates), cosine or Euclidean nearest for continuous ones (Score is the similarity).
/// </summary>
/// <remarks>
/// Inputs: a float-vector feature column and a key label whose key values are the seen class
/// names. Outputs: <c>Attributes</c> (probabilities for binary attributes), <c>Score</c> over the
/// candidates and <c>PredictedLabel</c> (a key whose values are the candidate names).
/// </remarks>
public sealed class ZeroShotAttributeEstimator : IEstimator<ZeroShotTransformer>
{
    private readonly IHostEnvironment _env;
    private readonly ZeroShotAttributeOptions _options;

    /// <summary>Creates the estimator; the options are checked now.</summary>
    public ZeroShotAttributeEstimator(IHostEnvironment env, ZeroShotAttributeOptions options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _env = env;
        _options = options;
    }

    /// <summary>Trains the attribute network on the seen-class rows.</summary>
    /// <exception cref="ArgumentException">A column is wrong or a training class is not in the table.</exception>
    public ZeroShotTransformer Fit(IDataView input)
    {
        var (rows, seen, candidates) = ZeroShotTraining.Read(input, _options);
        var table = _options.ClassDescriptions!;
        bool binary = table.IsBinary;
        var matching = _options.Matching ?? (binary ? AttributeMatching.DirectAttributePrediction : AttributeMatching.Cosine);
        var network = ClassifierTrainer.CreateNetwork(_options.Network, rows.Length, table.Length, _options.Seed, nameof(ZeroShotAttributeOptions.Network));
        TrainingRun.Execute(_env, "ZeroShotAttributes", _options, rows, network, context =>
        {
            using var seenTable = torch.tensor(table.Matrix(seen), [seen.Length, table.Length], device: context.Device);
            return context.Run(new AttributeStep(network, context.Features, context.Labels, seenTable, binary, matching), _options);
        });
        var scorer = new AttributePredictionScorer(network, _options.Device, binary, matching, table.Matrix(candidates), candidates.Length);
        return new ZeroShotTransformer(scorer, _options.FeatureColumnName, _options.AttributesColumnName, _options.ScoreColumnName,
            _options.PredictedLabelColumnName, seen, candidates);
    }

    /// <summary>The input schema plus Attributes, Score and PredictedLabel.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ColumnChecks.FloatVector(inputSchema, _options.FeatureColumnName, "Feature");
        ColumnChecks.KeyLabel(inputSchema, _options.LabelColumnName);
        return ZeroShotTraining.OutputShape(inputSchema, _options.AttributesColumnName, _options);
    }
}
