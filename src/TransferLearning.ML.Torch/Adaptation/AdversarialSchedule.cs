namespace TransferLearning.ML.Torch.Adaptation;

/// <summary>The weight of the reversed gradient over training (Ganin and Lempitsky 2015, section 5.2.2).</summary>
internal static class AdversarialSchedule
{
    /// <summary>
    /// λ_p = maximum · (2 / (1 + exp(−γ p)) − 1): 0 at the start, when the features are still
    /// noise, rising to <paramref name="maximum"/> (the paper: 1, γ = 10).
    /// </summary>
    /// <param name="progress">p, the fraction of training done, in [0, 1].</param>
    /// <param name="gamma">γ; the paper's value is 10.</param>
    /// <param name="maximum">The value λ approaches; the paper's is 1.</param>
    public static double Lambda(double progress, double gamma = 10, double maximum = 1) =>
        maximum * (2 / (1 + Math.Exp(-gamma * progress)) - 1);
}
