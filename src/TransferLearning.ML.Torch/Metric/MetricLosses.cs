using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Metric;

/// <summary>The metric-learning losses (pytorch-metric-learning's conventions: each a mean over what it sees).</summary>
internal static class MetricLosses
{
    /// <summary>
    /// Triplet margin loss (Weinberger and Saul 2009; Schroff et al. 2015): mean over the mined
    /// triplets of max(0, margin − gap), gap = d(a, n) − d(a, p) (or s(a, p) − s(a, n)); 0 when no
    /// triplet was mined.
    /// </summary>
    public static Tensor Triplet(Tensor embeddings, Tensor labels, TripletMining mining, MetricDistance distance, double margin)
    {
        var (anchor, positive, negative) = TripletMiners.Mine(embeddings, labels, mining, distance, margin);
        if (anchor.shape[0] == 0) return embeddings.sum() * 0;
        var a = embeddings.index_select(0, anchor);
        var toPositive = Pairwise(a, embeddings.index_select(0, positive), distance);
        var toNegative = Pairwise(a, embeddings.index_select(0, negative), distance);
        return (margin - Distances.Gap(toPositive, toNegative, distance)).clamp_min(0).mean();
    }

    /// <summary>
    /// Contrastive (siamese) loss (Hadsell, Chopra and LeCun 2006), over every pair of distinct rows:
    /// positive pairs max(0, d − positiveMargin)², negative pairs max(0, negativeMargin − d)², averaged
    /// over the pairs that contribute (non-zero terms), as pytorch-metric-learning does. For
    /// similarities the roles of the margins are mirrored: max(0, positiveMargin − s)², max(0, s − negativeMargin)².
    /// </summary>
    public static Tensor Contrastive(Tensor embeddings, Tensor labels, MetricDistance distance, double positiveMargin, double negativeMargin)
    {
        long n = embeddings.shape[0];
        var matrix = Distances.Matrix(embeddings, embeddings, distance);
        var same = labels.unsqueeze(1).eq(labels.unsqueeze(0));
        var offDiagonal = torch.eye(n, dtype: ScalarType.Bool, device: labels.device).logical_not();
        bool similarity = Distances.IsSimilarity(distance);
        var positiveTerms = (similarity ? positiveMargin - matrix : matrix - positiveMargin).clamp_min(0).square()
            .masked_fill(same.logical_and(offDiagonal).logical_not(), 0);
        var negativeTerms = (similarity ? matrix - negativeMargin : negativeMargin - matrix).clamp_min(0).square()
            .masked_fill(same.logical_not().logical_and(offDiagonal).logical_not(), 0);
        var terms = positiveTerms + negativeTerms;
        var contributing = terms.gt(0).sum();
        return contributing.item<long>() == 0 ? terms.sum() * 0 : terms.sum() / contributing;
    }

    /// <summary>
    /// NT-Xent with labels (the supervised contrastive loss of Khosla et al. 2020; SimCLR's NT-Xent
    /// when each row's only positive is its pair): for each anchor and each of its positives,
    /// −log(exp(s⁺/τ) / Σ_{k≠anchor} exp(s_k/τ)) with cosine similarities, averaged over the
    /// (anchor, positive) pairs.
    /// </summary>
    public static Tensor NtXent(Tensor embeddings, Tensor labels, double temperature)
    {
        long n = embeddings.shape[0];
        var logits = Distances.Matrix(embeddings, embeddings, MetricDistance.Cosine) / temperature;
        var self = torch.eye(n, dtype: ScalarType.Bool, device: labels.device);
        var positive = labels.unsqueeze(1).eq(labels.unsqueeze(0)).logical_and(self.logical_not());
        if (!positive.any().item<bool>()) return embeddings.sum() * 0;
        var logDenominator = logits.masked_fill(self, double.NegativeInfinity).logsumexp(1, keepdim: true);
        var logProbability = logits - logDenominator;
        return -logProbability.masked_select(positive).mean();
    }

    /// <summary>Row-wise distance (or similarity) between matching rows of <paramref name="a"/> and <paramref name="b"/>.</summary>
    private static Tensor Pairwise(Tensor a, Tensor b, MetricDistance distance) => distance == MetricDistance.Euclidean
        ? (a - b).square().sum(1).clamp_min(1e-12).sqrt()
        : nn.functional.cosine_similarity(a, b, 1, 1e-12);
}
