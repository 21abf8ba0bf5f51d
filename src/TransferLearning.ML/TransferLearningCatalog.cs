using Microsoft.ML;

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
        // The loaders are found through [assembly: LoadableClass]; registering the assembly makes them
        // known before Model.Load reads a part (Model.Load also registers it by itself from the file).
        mlContext.ComponentCatalog.RegisterAssembly(typeof(NetworkTransformer).Assembly);
        return mlContext;
    }
}

/// <summary>
/// Transfer-learning estimators for ML.NET pipelines. Each method has a flat overload with the
/// common settings and an overload taking its options class.
/// </summary>
public sealed partial class TransferLearningCatalog
{
    internal TransferLearningCatalog(MLContext mlContext) => Context = mlContext;

    internal MLContext Context { get; }

}
