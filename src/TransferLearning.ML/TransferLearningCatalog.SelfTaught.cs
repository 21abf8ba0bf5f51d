using TransferLearning.ML.SelfTaught;

namespace TransferLearning.ML;

/// <summary>Self-taught learning.</summary>
public sealed partial class TransferLearningCatalog
{
    /// <summary>
    /// Self-taught learning (Raina et al. 2007): an autoencoder trained on unlabelled rows, whose code
    /// becomes a feature column for any ML.NET trainer (and whose encoder can be fine-tuned with
    /// <see cref="LayerTransfer(Microsoft.ML.ITransformer, FineTuning.LayerTransferOptions)"/>). Writes <c>SelfTaughtFeatures</c>.
    /// </summary>
    /// <param name="options">Encoder, code, denoising, sparsity and training settings; default <see cref="SelfTaughtFeaturesOptions"/>'s.</param>
    public SelfTaughtFeaturesEstimator SelfTaughtFeatures(SelfTaughtFeaturesOptions? options = null) => new(Context, options ?? new SelfTaughtFeaturesOptions());
}
