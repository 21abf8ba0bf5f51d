namespace TransferLearning.ML.Torch.Transfer;

/// <summary>Which end of the source network the copied blocks come from.</summary>
public enum CopyDirection
{
    /// <summary>
    /// The first N blocks, next to the input (the image convention: early features are generic;
    /// Yosinski et al. 2014). The target's rows must have the source's input size. The default.
    /// </summary>
    First,

    /// <summary>
    /// The last N blocks, next to the head (the speech convention: the input side adapts to a new
    /// speaker or channel, the upper layers are kept). The blocks before them are trained afresh.
    /// </summary>
    Last,
}
