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
