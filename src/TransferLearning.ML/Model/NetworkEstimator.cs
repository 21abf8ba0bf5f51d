using Microsoft.ML;
using Microsoft.ML.Runtime;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML;

/// <summary>
/// The base of the estimators that train a model with the shared loop: the environment (for
/// logging and cancellation) and the options, checked once when the estimator is made.
/// </summary>
/// <typeparam name="TOptions">The method's options.</typeparam>
public abstract class NetworkEstimator<TOptions> : IEstimator<NetworkTransformer> where TOptions : TrainingOptions
{
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    private protected NetworkEstimator(IHostEnvironment env, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Environment = env;
        Options = options;
    }

    private protected IHostEnvironment Environment { get; }

    private protected TOptions Options { get; }

    /// <summary>Reads the training rows, trains the model and returns the fitted transformer.</summary>
    public abstract NetworkTransformer Fit(IDataView input);

    /// <summary>The schema after Fit and Transform: the input plus the method's output columns.</summary>
    public abstract SchemaShape GetOutputSchema(SchemaShape inputSchema);
}
