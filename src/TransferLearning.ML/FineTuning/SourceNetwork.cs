using Microsoft.ML;
using TransferLearning.ML.Classification;

namespace TransferLearning.ML.FineTuning;

/// <summary>Finds the network classifier inside a fitted model, whether it is the model itself or part of a chain.</summary>
internal static class SourceNetwork
{
    /// <summary>The method name of networks imported from ONNX (TransferLearning.ML.Onnx).</summary>
    internal const string ImportedNetworkMethod = "OnnxImport";

    /// <exception cref="ArgumentException">The model holds no network classifier of this package.</exception>
    public static NetworkTransformer Find(ITransformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return FindOrNull(model) ?? throw new ArgumentException(
            $"The source model ({model.GetType().Name}) holds no TransferLearning.ML network classifier or self-taught encoder to copy layers from. " +
            "Train one with mlContext.TransferLearning().NetworkClassifier (or SelfTaughtFeatures), or load such a model with mlContext.Model.Load.", nameof(model));
    }

    private static NetworkTransformer? FindOrNull(ITransformer model) => model switch
    {
        // A classifier, or a self-taught encoder (its trunk is the encoder; there is no source head to distil).
        // An imported ONNX backbone is a trunk alone.
        NetworkTransformer network when network.ModelSpec.Heads.FirstOrDefault() is Torch.Models.ClassifierHeadSpec
            || network.Method is SelfTaught.SelfTaughtFeaturesEstimator.MethodName or ImportedNetworkMethod => network,
        IEnumerable<ITransformer> chain => chain.Select(FindOrNull).LastOrDefault(c => c is not null),
        _ => null,
    };
}
