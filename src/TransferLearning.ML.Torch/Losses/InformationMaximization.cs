using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Losses;

/// <summary>
/// Information maximisation on unlabelled predictions (Krause, Perona and Gomes 2010; Liang, Hu
/// and Feng 2020): each row's prediction should be confident (low entropy) while the batch as a
/// whole uses every class (high entropy of the mean prediction). Loss = mean row entropy − entropy
/// of the mean prediction; it lies in [−log k, log k].
/// </summary>
internal static class InformationMaximization
{
    /// <summary>The loss for logits [rows, classes].</summary>
    public static Tensor Loss(Tensor logits)
    {
        var probabilities = nn.functional.softmax(logits, 1);
        var logProbabilities = nn.functional.log_softmax(logits, 1);
        var rowEntropy = -(probabilities * logProbabilities).sum(1).mean();
        var mean = probabilities.mean([0]);
        var meanEntropy = -(mean * (mean + 1e-8).log()).sum();
        return rowEntropy - meanEntropy;
    }
}
