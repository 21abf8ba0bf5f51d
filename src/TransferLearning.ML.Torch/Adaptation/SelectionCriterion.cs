namespace TransferLearning.ML.Torch.Adaptation;

/// <summary>
/// How domain adaptation picks its epoch (and stops early) without looking at any target label.
/// Both are measured on held-out rows: a share of the source rows and of the target rows.
/// </summary>
public enum SelectionCriterion
{
    /// <summary>The lowest source validation loss (the plain choice; blind to the target). The default.</summary>
    SourceValidationLoss,

    /// <summary>
    /// The lowest source validation error plus half the proxy A-distance measured by the trained
    /// domain discriminator on held-out source and target features: the two terms of Ben-David et
    /// al.'s (2010) bound on the target error, with the discriminator standing in for the
    /// H-divergence. Favours epochs that classify the source well and leave the domains hard to tell apart.
    /// </summary>
    SourceErrorPlusDomainDistance,
}
