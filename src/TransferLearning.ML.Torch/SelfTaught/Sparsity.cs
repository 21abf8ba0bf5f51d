using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.SelfTaught;

/// <summary>How an autoencoder's code is pushed towards sparsity.</summary>
public enum SparsityPenalty
{
    /// <summary>No penalty.</summary>
    None,

    /// <summary>β × the mean over rows of Σ_j |h_j| (L1 on the activations).</summary>
    L1,

    /// <summary>
    /// β × Σ_j KL(ρ ‖ ρ̂_j), ρ̂_j the mean activation of code unit j over the batch (Ng's sparse
    /// autoencoder notes; Lee et al. 2008); needs sigmoid code units, in (0, 1).
    /// </summary>
    KullbackLeibler,
}

/// <summary>The sparsity penalties of <see cref="SparsityPenalty"/>.</summary>
internal static class Sparsity
{
    private const double Epsilon = 1e-6;

    /// <summary>The penalty on a batch of codes [rows, units], before the weight β.</summary>
    public static Tensor Penalty(Tensor code, SparsityPenalty kind, double target) => kind switch
    {
        SparsityPenalty.L1 => code.abs().sum(1).mean(),
        SparsityPenalty.KullbackLeibler => KullbackLeibler(code.mean([0]).clamp(Epsilon, 1 - Epsilon), target),
        _ => torch.zeros(1, device: code.device).squeeze(),
    };

    private static Tensor KullbackLeibler(Tensor mean, double rho) =>
        (rho * (rho / mean).log() + (1 - rho) * ((1 - rho) / (1 - mean)).log()).sum();
}
