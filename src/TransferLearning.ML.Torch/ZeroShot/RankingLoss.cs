using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.ZeroShot;

/// <summary>
/// The max-margin ranking loss of attribute embedding (DeViSE, Frome et al. 2013; ALE, Akata et al.
/// 2013), in its "hardest negative" form: for row n with true class y_n and compatibilities
/// s_{n,m} = f(x_n) · g(y_m), loss_n = max(0, k − s_{n,y_n} + max_{m ≠ y_n} s_{n,m}). The batch
/// loss is the mean over rows (the sum divided by the batch size, so that the margin k means the
/// same at any batch size).
/// </summary>
internal static class RankingLoss
{
    /// <summary>The mean hinge over rows of <paramref name="compatibility"/> ([rows, classes]) for labels [rows].</summary>
    public static Tensor Loss(Tensor compatibility, Tensor labels, double margin)
    {
        var index = labels.unsqueeze(1);
        var positive = compatibility.gather(1, index).squeeze(1);
        var mask = torch.zeros_like(compatibility, dtype: ScalarType.Bool).scatter_(1, index, torch.ones_like(index, dtype: ScalarType.Bool));
        var hardestNegative = compatibility.masked_fill(mask, double.NegativeInfinity).max(1).values;
        return (margin - positive + hardestNegative).clamp_min(0).mean();
    }
}
