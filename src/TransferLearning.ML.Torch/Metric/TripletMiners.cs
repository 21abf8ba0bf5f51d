using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Metric;

/// <summary>Which triplets (anchor, positive, negative) of a batch a triplet loss sees.</summary>
public enum TripletMining
{
    /// <summary>Every valid triplet: anchor and positive of one class (distinct rows), negative of another.</summary>
    All,

    /// <summary>Per anchor, its farthest positive and its closest negative (Hermans, Beyer and Leibe 2017).</summary>
    BatchHard,

    /// <summary>
    /// Triplets whose negative is farther than the positive but within the margin of it (FaceNet,
    /// Schroff et al. 2015): hard enough to teach, not so hard that they collapse training.
    /// </summary>
    SemiHard,
}

/// <summary>Mines triplets from a batch's embeddings and labels; returns index tensors (anchor, positive, negative).</summary>
internal static class TripletMiners
{
    public static (Tensor Anchor, Tensor Positive, Tensor Negative) Mine(Tensor embeddings, Tensor labels, TripletMining mining, MetricDistance distance, double margin)
    {
        using var noGrad = torch.no_grad();
        var matrix = Distances.Matrix(embeddings, embeddings, distance);
        long n = embeddings.shape[0];
        var same = labels.unsqueeze(1).eq(labels.unsqueeze(0));
        var positive = same.logical_and(torch.eye(n, dtype: ScalarType.Bool, device: labels.device).logical_not());
        var negative = same.logical_not();
        return mining switch
        {
            TripletMining.All => AllTriplets(positive, negative),
            TripletMining.BatchHard => BatchHard(matrix, positive, negative, Distances.IsSimilarity(distance)),
            TripletMining.SemiHard => SemiHard(matrix, positive, negative, distance, margin),
            _ => throw new ArgumentOutOfRangeException(nameof(mining), mining, "Unknown mining."),
        };
    }

    // valid[a, p, n] = positive[a, p] and negative[a, n]
    private static (Tensor, Tensor, Tensor) AllTriplets(Tensor positive, Tensor negative)
    {
        var valid = positive.unsqueeze(2).logical_and(negative.unsqueeze(1));
        var indices = valid.nonzero();
        return (indices.select(1, 0), indices.select(1, 1), indices.select(1, 2));
    }

    private static (Tensor, Tensor, Tensor) BatchHard(Tensor matrix, Tensor positive, Tensor negative, bool similarity)
    {
        // Farthest positive: the largest distance (smallest similarity); closest negative: the reverse.
        double far = similarity ? double.PositiveInfinity : double.NegativeInfinity;
        var positives = matrix.masked_fill(positive.logical_not(), far);
        var negatives = matrix.masked_fill(negative.logical_not(), -far);
        var hardPositive = similarity ? positives.argmin(1) : positives.argmax(1);
        var hardNegative = similarity ? negatives.argmax(1) : negatives.argmin(1);
        // Only anchors that have both a positive and a negative form a triplet.
        var anchors = positive.any(1).logical_and(negative.any(1)).nonzero().squeeze(1);
        return (anchors, hardPositive.index_select(0, anchors), hardNegative.index_select(0, anchors));
    }

    private static (Tensor, Tensor, Tensor) SemiHard(Tensor matrix, Tensor positive, Tensor negative, MetricDistance distance, double margin)
    {
        var (anchor, pos, neg) = AllTriplets(positive, negative);
        var toPositive = matrix[anchor, pos];
        var toNegative = matrix[anchor, neg];
        var gap = Distances.Gap(toPositive, toNegative, distance); // > 0: the negative is farther than the positive
        var keep = gap.gt(0).logical_and(gap.lt(margin)).nonzero().squeeze(1);
        return (anchor.index_select(0, keep), pos.index_select(0, keep), neg.index_select(0, keep));
    }
}
