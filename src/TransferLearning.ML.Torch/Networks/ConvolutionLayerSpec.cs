using TorchSharp;
using TransferLearning.ML.Torch.Modules;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Networks;

/// <summary>
/// A 2-d convolution block: convolution → [batch norm] → activation → [max pooling] → [dropout].
/// Its input is channels x height x width; the first block of a network reshapes the flat feature
/// vector (as ML.NET's ExtractPixels writes it: planar, channel by channel) to that shape.
/// </summary>
public sealed class ConvolutionLayerSpec : LayerSpec
{
    /// <summary>Creates a convolution block with the given number of output channels and kernel size.</summary>
    public ConvolutionLayerSpec(int channels, int kernelSize)
    {
        Channels = channels;
        KernelSize = kernelSize;
    }

    /// <summary>Number of output channels (filters); at least 1.</summary>
    public int Channels { get; init; }

    /// <summary>Side of the square kernel; at least 1.</summary>
    public int KernelSize { get; init; }

    /// <summary>Stride of the convolution; at least 1. Default 1.</summary>
    public int Stride { get; init; } = 1;

    /// <summary>Zero padding on each side; at least 0. Default 0.</summary>
    public int Padding { get; init; }

    /// <summary>The non-linearity after the convolution. Default <see cref="Activation.Relu"/>.</summary>
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>Side of the square max-pooling window after the activation; 1 means none. Default 2.</summary>
    public int Pool { get; init; } = 2;

    /// <summary>Dropout probability after pooling while training; in [0, 1). Default 0.</summary>
    public double Dropout { get; init; }

    /// <summary>Whether to batch-normalise the convolution outputs. Default false.</summary>
    public bool BatchNorm { get; init; }

    /// <inheritdoc />
    public override int[] OutputShape(int[] inputShape)
    {
        if (inputShape.Length != 3)
            throw Invalid($"Convolution layer: needs a channels x height x width input, got [{string.Join(", ", inputShape)}]. " +
                          "Set NetworkSpec.InputShape to [channels, height, width]; a convolution cannot follow a dense layer.");
        if (Channels < 1) throw Invalid($"Convolution layer: Channels must be at least 1, was {Channels}.");
        if (KernelSize < 1) throw Invalid($"Convolution layer: KernelSize must be at least 1, was {KernelSize}.");
        if (Stride < 1) throw Invalid($"Convolution layer: Stride must be at least 1, was {Stride}.");
        if (Padding < 0) throw Invalid($"Convolution layer: Padding must be at least 0, was {Padding}.");
        if (Pool < 1) throw Invalid($"Convolution layer: Pool must be at least 1, was {Pool}.");
        if (!(Dropout >= 0 && Dropout < 1)) throw Invalid($"Convolution layer: Dropout must be in [0, 1), was {Dropout}.");
        int Side(int size) => ((size + 2 * Padding - KernelSize) / Stride + 1) / Pool;
        int height = Side(inputShape[1]), width = Side(inputShape[2]);
        if (height < 1 || width < 1)
            throw Invalid($"Convolution layer: a {inputShape[1]}x{inputShape[2]} input is too small for kernel {KernelSize}, " +
                          $"stride {Stride}, padding {Padding} and pooling {Pool}.");
        return new[] { Channels, height, width };
    }

    internal override nn.Module<Tensor, Tensor> CreateModule(int[] inputShape)
    {
        OutputShape(inputShape);
        return new ConvolutionBlock(inputShape[0], this);
    }
}
