namespace TransferLearning.ML.ZeroShot;

/// <summary>Which classes a zero-shot model predicts among.</summary>
public enum ZeroShotMode
{
    /// <summary>Only the unseen classes: the table's classes that are not in the training labels. The default.</summary>
    Unseen,

    /// <summary>Generalised zero-shot learning: every class of the table, seen and unseen.</summary>
    Generalized,
}
