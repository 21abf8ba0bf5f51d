using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Adaptation;

/// <summary>
/// CDAN's discriminator input (Long et al. 2018): the outer product of each row's features f and
/// class probabilities g, flattened; when that is larger than <see cref="MaximumExplicitSize"/>, the
/// randomized multilinear map (R_f f) ⊙ (R_g g) / √d with fixed Gaussian R_f, R_g of d =
/// <see cref="RandomSize"/> rows, as the paper does. The probabilities carry no gradient (the
/// paper's code detaches them): only the features are pushed by the reversed gradient.
/// </summary>
internal sealed class ConditionalDomainInput : IDisposable
{
    /// <summary>Largest f ⊗ g size used as is (the paper's threshold).</summary>
    public const int MaximumExplicitSize = 4096;

    /// <summary>Size of the randomized map.</summary>
    public const int RandomSize = 1024;

    private readonly Tensor? _featureMap, _classMap;

    /// <summary>Creates the map for <paramref name="features"/> features and <paramref name="classes"/> classes; random matrices come from torch's generator.</summary>
    public ConditionalDomainInput(int features, int classes, Device device)
    {
        long explicitSize = (long)features * classes;
        if (explicitSize > MaximumExplicitSize)
        {
            _featureMap = torch.randn(RandomSize, features, device: device).DetachFromDisposeScope();
            _classMap = torch.randn(RandomSize, classes, device: device).DetachFromDisposeScope();
            Size = RandomSize;
        }
        else Size = (int)explicitSize;
    }

    /// <summary>Values per row of the discriminator's input.</summary>
    public int Size { get; }

    /// <summary>The input for features [n, F] and logits [n, C].</summary>
    public Tensor Apply(Tensor features, Tensor logits)
    {
        var probabilities = nn.functional.softmax(logits, 1).detach();
        if (_featureMap is null) return torch.bmm(features.unsqueeze(2), probabilities.unsqueeze(1)).flatten(1);
        return features.matmul(_featureMap.t()) * probabilities.matmul(_classMap!.t()) / Math.Sqrt(RandomSize);
    }

    /// <summary>CDAN+E's per-row weights 1 + e^(−H(g)), normalised to sum 1 (no gradient).</summary>
    public static Tensor EntropyWeights(Tensor logits)
    {
        using var noGrad = torch.no_grad();
        var probabilities = nn.functional.softmax(logits, 1);
        var entropy = -(probabilities * nn.functional.log_softmax(logits, 1)).sum(1);
        var weights = 1 + (-entropy).exp();
        return weights / weights.sum();
    }

    public void Dispose()
    {
        _featureMap?.Dispose();
        _classMap?.Dispose();
    }
}
