using Microsoft.ML;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Serialization;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML;

/// <summary>The entry points: <c>mlContext.TransferLearning()</c> and <c>mlContext.RegisterTransferLearning()</c>.</summary>
public static class MLContextExtensions
{
    /// <summary>
    /// The catalog of transfer-learning estimators. Also registers this package's model loaders on
    /// <paramref name="mlContext"/>, as <see cref="RegisterTransferLearning"/> does.
    /// </summary>
    public static TransferLearningCatalog TransferLearning(this MLContext mlContext)
    {
        RegisterTransferLearning(mlContext);
        return new TransferLearningCatalog(mlContext);
    }

    /// <summary>
    /// Lets <paramref name="mlContext"/>'s <c>Model.Load</c> read models that hold this package's
    /// transformers. ML.NET finds third-party loaders only when they are registered on the
    /// context, so call this once per MLContext before loading (idempotent, cheap).
    /// </summary>
    /// <returns>The same context, for chaining.</returns>
    public static MLContext RegisterTransferLearning(this MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ModelRegistration.Register(mlContext.ComponentCatalog);
        return mlContext;
    }
}

/// <summary>
/// Transfer-learning estimators for ML.NET pipelines. Each method has a flat overload with the
/// common settings and an overload taking its options class.
/// </summary>
public sealed class TransferLearningCatalog
{
    internal TransferLearningCatalog(MLContext mlContext) => Context = mlContext;

    internal MLContext Context { get; }

    /// <summary>
    /// A neural network classifier trained with TorchSharp: the blocks of <paramref name="network"/>
    /// plus a linear head, trained with softmax cross-entropy and Adam.
    /// </summary>
    /// <param name="labelColumnName">Key label column. Default "Label".</param>
    /// <param name="featureColumnName">Float vector feature column. Default "Features".</param>
    /// <param name="network">The blocks; default <c>NetworkSpec.Mlp(128)</c>.</param>
    /// <param name="epochs">Passes over the data. Default 10.</param>
    /// <param name="batchSize">Rows per step. Default 64.</param>
    /// <param name="learningRate">Adam's learning rate. Default 0.001.</param>
    /// <param name="seed">Seeds initialisation and shuffling. Default 0.</param>
    public NetworkClassifierEstimator NetworkClassifier(
        string labelColumnName = DefaultColumnNames.Label,
        string featureColumnName = DefaultColumnNames.Features,
        NetworkSpec? network = null,
        int epochs = TrainingDefaults.Epochs,
        int batchSize = TrainingDefaults.BatchSize,
        double learningRate = TrainingDefaults.LearningRate,
        int seed = TrainingDefaults.Seed)
    {
        var options = new NetworkClassifierOptions
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            Epochs = epochs,
            BatchSize = batchSize,
            LearningRate = learningRate,
            Seed = seed,
        };
        if (network is not null) options.Network = network;
        return new NetworkClassifierEstimator(Context, options);
    }

    /// <summary>A neural network classifier with every setting of <see cref="NetworkClassifierOptions"/>.</summary>
    public NetworkClassifierEstimator NetworkClassifier(NetworkClassifierOptions options) => new(Context, options);
}
