using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Modules;

/// <summary>Per-row standardisation: (x − mean) / (std + 1e-5) over every value of the row, whatever its shape.</summary>
internal sealed class StandardizeBlock : nn.Module<Tensor, Tensor>
{
    public StandardizeBlock() : base(nameof(StandardizeBlock)) => RegisterComponents();

    public override Tensor forward(Tensor input) => Standardize(input);

    /// <summary>The block's function (also used by functional forward passes).</summary>
    public static Tensor Standardize(Tensor input)
    {
        var flat = input.flatten(1);
        var mean = flat.mean([1], keepdim: true);
        var std = flat.std(1, keepdim: true);
        return ((flat - mean) / (std + 1e-5)).view(input.shape);
    }
}
