namespace TransferLearning.ML.Torch.Metric;

/// <summary>The loss a metric embedding is trained with.</summary>
public enum MetricLoss
{
    /// <summary>Triplet margin loss on mined triplets (Weinberger and Saul 2009; Schroff et al. 2015).</summary>
    Triplet,

    /// <summary>Contrastive (siamese) loss on every pair (Hadsell, Chopra and LeCun 2006).</summary>
    Contrastive,

    /// <summary>NT-Xent with labels: the supervised contrastive loss (Khosla et al. 2020), cosine similarities.</summary>
    NtXent,
}
