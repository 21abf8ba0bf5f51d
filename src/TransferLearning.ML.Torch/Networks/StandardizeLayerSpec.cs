using TorchSharp;
using TransferLearning.ML.Torch.Modules;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Networks;

/// <summary>
/// A parameter-free block that standardises each row on its own: (x − mean) / std over all of the
/// row's values (per-image standardisation). It removes differences in brightness and contrast
/// between domains, in training and prediction alike. Output shape = input shape.
/// </summary>
public sealed class StandardizeLayerSpec : LayerSpec
{
    /// <inheritdoc />
    public override int[] OutputShape(int[] inputShape)
    {
        if (inputShape.Length == 0 || inputShape.Any(d => d < 1))
            throw Invalid($"Standardize layer: input shape [{string.Join(", ", inputShape)}] is not a valid shape.");
        return (int[])inputShape.Clone();
    }

    internal override nn.Module<Tensor, Tensor> CreateModule(int[] inputShape) => new StandardizeBlock();
}
