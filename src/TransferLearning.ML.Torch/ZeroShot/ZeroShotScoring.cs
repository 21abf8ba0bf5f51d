using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.ZeroShot;

/// <summary>How predicted attributes are matched against class descriptions.</summary>
public enum AttributeMatching
{
    /// <summary>
    /// Direct attribute prediction for binary attributes (Lampert, Nickisch and Harmeling 2009):
    /// score(c) = Σ_m log p(a_m = a_m^c | x), the log-likelihood of the class's attribute values
    /// under independent per-attribute predictions.
    /// </summary>
    DirectAttributePrediction,

    /// <summary>Cosine similarity between the predicted and the class's vectors.</summary>
    Cosine,

    /// <summary>Negative Euclidean distance between the predicted and the class's vectors.</summary>
    Euclidean,
}

/// <summary>Scores of every candidate class for every row, [rows, candidates]; larger is better.</summary>
public static class ZeroShotScoring
{
    private const double Epsilon = 1e-6;

    /// <summary>
    /// Matches <paramref name="predicted"/> ([rows, attributes]: probabilities for DAP, values
    /// otherwise) against <paramref name="classes"/> ([candidates, attributes]).
    /// </summary>
    public static Tensor Scores(Tensor predicted, Tensor classes, AttributeMatching matching) => matching switch
    {
        AttributeMatching.DirectAttributePrediction =>
            predicted.clamp(Epsilon, 1 - Epsilon).log().matmul(classes.t()) + (1 - predicted).clamp(Epsilon, 1 - Epsilon).log().matmul((1 - classes).t()),
        AttributeMatching.Cosine => Cosine(predicted, classes),
        AttributeMatching.Euclidean => -(predicted.unsqueeze(1) - classes.unsqueeze(0)).square().sum(2).sqrt(),
        _ => throw new ArgumentOutOfRangeException(nameof(matching), matching, "Unknown matching."),
    };

    /// <summary>Cosine similarity of every row of <paramref name="a"/> with every row of <paramref name="b"/>.</summary>
    public static Tensor Cosine(Tensor a, Tensor b) =>
        nn.functional.normalize(a, p: 2, dim: 1, eps: 1e-8).matmul(nn.functional.normalize(b, p: 2, dim: 1, eps: 1e-8).t());
}
