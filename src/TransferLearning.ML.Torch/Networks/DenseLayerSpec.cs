using TorchSharp;
using TransferLearning.ML.Torch.Modules;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Networks;

/// <summary>
/// A fully connected block: [flatten] → linear → [batch norm] → activation → [dropout].
/// An image-shaped input is flattened first, so a dense block may follow convolution blocks.
/// </summary>
public sealed class DenseLayerSpec : LayerSpec
{
    /// <summary>Creates a dense block with the given number of output units.</summary>
    public DenseLayerSpec(int units) => Units = units;

    /// <summary>Number of output units; at least 1.</summary>
    public int Units { get; init; }

    /// <summary>The non-linearity after the linear map. Default <see cref="Activation.Relu"/>.</summary>
    public Activation Activation { get; init; } = Activation.Relu;

    /// <summary>Dropout probability applied after the activation while training; in [0, 1). Default 0.</summary>
    public double Dropout { get; init; }

    /// <summary>Whether to batch-normalise the linear outputs (Ioffe and Szegedy 2015). Default false.</summary>
    public bool BatchNorm { get; init; }

    /// <inheritdoc />
    public override int[] OutputShape(int[] inputShape)
    {
        if (Units < 1) throw Invalid($"Dense layer: Units must be at least 1, was {Units}.");
        if (!(Dropout >= 0 && Dropout < 1)) throw Invalid($"Dense layer: Dropout must be in [0, 1), was {Dropout}.");
        if (inputShape.Length == 0 || inputShape.Any(d => d < 1))
            throw Invalid($"Dense layer: input shape [{string.Join(", ", inputShape)}] is not a valid shape.");
        return new[] { Units };
    }

    internal override nn.Module<Tensor, Tensor> CreateModule(int[] inputShape)
    {
        OutputShape(inputShape);
        return new DenseBlock(inputShape.Aggregate(1, (a, b) => checked(a * b)), this);
    }
}
