using Microsoft.ML;
using Microsoft.ML.Runtime;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Data;
using TransferLearning.ML.Training;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.ZeroShot;

/// <summary>The part the training zero-shot estimators share: options checked once, the input checks and the output schema.</summary>
/// <typeparam name="TOptions">The method's options.</typeparam>
public abstract class ZeroShotTrainingEstimator<TOptions> : NetworkEstimator<TOptions> where TOptions : ZeroShotTrainingOptions
{
    private protected ZeroShotTrainingEstimator(IHostEnvironment env, TOptions options) : base(env, options)
    {
    }

    /// <summary>The output vector column (predicted attributes, or the embedding).</summary>
    private protected abstract string VectorColumnName { get; }

    /// <summary>
    /// The part of Fit the methods share: the model of <paramref name="spec"/> trained by
    /// <paramref name="plan"/> on <paramref name="rows"/>, as a transformer whose vector column shows
    /// the head <paramref name="vectorOutput"/>.
    /// </summary>
    private protected NetworkTransformer Train(string method, ModelSpec spec, LabeledRows rows, string[] seen, string[] candidates,
        string vectorOutput, TrainingPlan plan)
    {
        var network = ClassifierTrainer.CreateNetwork(spec, rows.Length, Options.Seed, nameof(Options.Network));
        var report = TrainingRun.Execute(Environment, method, Options, rows, network, plan);
        return new NetworkTransformer(method, network, Options.Device, new ModelInput(Options.FeatureColumnName, "Feature"),
            ZeroShotColumns.Declare(VectorColumnName, vectorOutput, Options.ScoreColumnName, Options.PredictedLabelColumnName, candidates),
            ZeroShotColumns.Lists(seen, candidates), report);
    }

    /// <summary>Trains on the seen-class rows and returns the zero-shot model.</summary>
    /// <exception cref="ArgumentException">A column is wrong, a training class is not in the table, or there is no candidate class.</exception>
    public abstract override NetworkTransformer Fit(IDataView input);

    /// <summary>The input schema plus the vector, Score and PredictedLabel.</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ColumnChecks.FloatVector(inputSchema, Options.FeatureColumnName, "Feature");
        ColumnChecks.KeyLabel(inputSchema, Options.LabelColumnName);
        return ZeroShotTraining.OutputShape(inputSchema, VectorColumnName, Options);
    }
}
