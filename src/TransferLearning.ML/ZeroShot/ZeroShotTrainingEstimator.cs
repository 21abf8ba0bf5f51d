using Microsoft.ML;
using Microsoft.ML.Runtime;
using TransferLearning.ML.Data;

namespace TransferLearning.ML.ZeroShot;

/// <summary>The part the training zero-shot estimators share: options checked once, the input checks and the output schema.</summary>
/// <typeparam name="TOptions">The method's options.</typeparam>
public abstract class ZeroShotTrainingEstimator<TOptions> : IEstimator<NetworkTransformer> where TOptions : ZeroShotTrainingOptions
{
    private protected ZeroShotTrainingEstimator(IHostEnvironment env, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Environment = env;
        Options = options;
    }

    private protected IHostEnvironment Environment { get; }

    private protected TOptions Options { get; }

    /// <summary>The output vector column (predicted attributes, or the embedding).</summary>
    private protected abstract string VectorColumnName { get; }

    /// <summary>Trains on the seen-class rows and returns the zero-shot model.</summary>
    /// <exception cref="ArgumentException">A column is wrong, a training class is not in the table, or there is no candidate class.</exception>
    public abstract NetworkTransformer Fit(IDataView input);

    /// <summary>The input schema plus the vector, Score and PredictedLabel.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ColumnChecks.FloatVector(inputSchema, Options.FeatureColumnName, "Feature");
        ColumnChecks.KeyLabel(inputSchema, Options.LabelColumnName);
        return ZeroShotTraining.OutputShape(inputSchema, VectorColumnName, Options);
    }
}
