using System.Text.Json.Serialization;
using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Networks;

/// <summary>
/// One named block of a network (for example linear + ReLU, or convolution + ReLU + pooling).
/// Blocks are the unit of transfer: "copy the first N layers" copies N blocks with their weights.
/// </summary>
/// <remarks>
/// Specs are plain data and round-trip through JSON (<see cref="NetworkSpec.ToJson"/>), so a saved
/// model can rebuild its module before its weights are read. The JSON property <c>type</c> names
/// the kind of block: <c>dense</c>, <c>convolution</c>, <c>standardize</c> or <c>custom</c>.
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(DenseLayerSpec), "dense")]
[JsonDerivedType(typeof(ConvolutionLayerSpec), "convolution")]
[JsonDerivedType(typeof(StandardizeLayerSpec), "standardize")]
[JsonDerivedType(typeof(CustomLayerSpec), "custom")]
[JsonDerivedType(typeof(OnnxGraphLayerSpec), "onnxGraph")]
public abstract class LayerSpec
{
    private protected LayerSpec()
    {
    }

    /// <summary>
    /// Checks the block's settings against the shape of its input (channels x height x width for
    /// images, or a single length for vectors) and returns the shape of its output.
    /// </summary>
    /// <exception cref="ArgumentException">A setting is out of range or does not fit the input.</exception>
    public abstract int[] OutputShape(int[] inputShape);

    /// <summary>Creates the block's module with freshly initialised weights.</summary>
    internal abstract nn.Module<Tensor, Tensor> CreateModule(int[] inputShape);

    private protected static Exception Invalid(string what) => new ArgumentException(what);
}
