using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Metric;

/// <summary>How two embeddings are compared (pytorch-metric-learning's distances).</summary>
public enum MetricDistance
{
    /// <summary>Euclidean distance: smaller is closer.</summary>
    Euclidean,

    /// <summary>Cosine similarity: larger is closer.</summary>
    Cosine,
}

/// <summary>Pairwise distance or similarity matrices, and which way is "closer".</summary>
internal static class Distances
{
    /// <summary>[rows of a, rows of b] distances (Euclidean) or similarities (cosine).</summary>
    public static Tensor Matrix(Tensor a, Tensor b, MetricDistance distance) => distance switch
    {
        // The clamp keeps the gradient of sqrt finite at 0 (an embedding against itself).
        MetricDistance.Euclidean => (a.square().sum(1, keepdim: true) + b.square().sum(1).unsqueeze(0) - a.matmul(b.t()) * 2).clamp_min(1e-12).sqrt(),
        MetricDistance.Cosine => nn.functional.normalize(a, p: 2, dim: 1, eps: 1e-12).matmul(nn.functional.normalize(b, p: 2, dim: 1, eps: 1e-12).t()),
        _ => throw new ArgumentOutOfRangeException(nameof(distance), distance, "Unknown distance."),
    };

    /// <summary>Whether larger values mean closer (similarities) rather than farther (distances).</summary>
    public static bool IsSimilarity(MetricDistance distance) => distance == MetricDistance.Cosine;

    /// <summary>
    /// How much closer x is to y than to z, in the direction that a loss wants positive:
    /// d(x, z) − d(x, y) for distances, s(x, y) − s(x, z) for similarities.
    /// </summary>
    public static Tensor Gap(Tensor toPositive, Tensor toNegative, MetricDistance distance) =>
        IsSimilarity(distance) ? toPositive - toNegative : toNegative - toPositive;
}
