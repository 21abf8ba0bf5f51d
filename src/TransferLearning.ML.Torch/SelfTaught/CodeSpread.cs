using TorchSharp;
using TransferLearning.ML.Torch.Modules;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.SelfTaught;

/// <summary>
/// How much an autoencoder's code varies across rows, relative to its size: the mean over code
/// units of the standard deviation across rows, divided by the mean absolute code value. A code
/// that has collapsed — every row coded alike, typically sigmoid units saturated at 1 while the
/// decoder learns the mean input — scores near 0 (measured: 2e-4); working codes score about 0.3 to 1.
/// </summary>
internal static class CodeSpread
{
    /// <summary>Below this the code is taken as collapsed.</summary>
    public const double CollapseThreshold = 0.01;

    private const int MaximumRows = 4096;

    /// <summary>The spread of the codes of (up to 4096 of) <paramref name="features"/>, in eval mode.</summary>
    public static double Measure(Network network, Tensor features)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        network.eval();
        var rows = features.narrow(0, 0, Math.Min(features.shape[0], MaximumRows));
        var codes = Chunked.Map(rows, network.Features);
        if (codes.shape[0] < 2) return double.PositiveInfinity; // one row cannot vary
        double spread = codes.std([0L]).mean().item<float>();
        double size = codes.abs().mean().item<float>();
        return size == 0 ? 0 : spread / size;
    }
}
