namespace TransferLearning.ML.Torch.Adaptation;

/// <summary>What the domain discriminator sees.</summary>
public enum AdversarialConditioning
{
    /// <summary>The features alone: DANN (Ganin and Lempitsky 2015). The default.</summary>
    None,

    /// <summary>
    /// CDAN (Long, Cao, Wang and Jordan, NeurIPS 2018): the multilinear map f ⊗ g of the features
    /// and the class probabilities (no gradient through g), so that the domains are aligned class by
    /// class rather than as a whole; above 4096 values, a fixed random multilinear map of 1024.
    /// </summary>
    Multilinear,

    /// <summary>CDAN+E: <see cref="Multilinear"/>, with each row weighted by 1 + e^(−entropy of g) so that confident rows count more.</summary>
    MultilinearEntropy,
}
