namespace TransferLearning.ML.Torch.Transfer;

/// <summary>
/// L2-SP regularisation (Li, Grandvalet and Davoine, ICML 2018): α/2 · ‖w − w⁰‖² on the copied
/// weights, pulling them towards the source weights w⁰, and β/2 · ‖w‖² on the new ones (new blocks
/// and head). Applies to every trainable parameter, biases included.
/// </summary>
public sealed class L2SpOptions
{
    /// <summary>α, weight of the pull towards the source weights. Default 0.1 (the paper's setting); at least 0.</summary>
    public double Alpha { get; set; } = 0.1;

    /// <summary>β, weight of plain L2 decay on new weights. Default 0.01 (the paper's setting); at least 0.</summary>
    public double Beta { get; set; } = 0.01;
}
