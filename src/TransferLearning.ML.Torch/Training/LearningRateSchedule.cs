namespace TransferLearning.ML.Torch.Training;

/// <summary>How the learning rate changes over training; p is the fraction of steps done, in [0, 1].</summary>
public enum LearningRateSchedule
{
    /// <summary>The learning rate stays as set. The default.</summary>
    Constant,

    /// <summary>Cosine annealing from the learning rate to 0 (Loshchilov and Hutter 2017): lr * (1 + cos(pi p)) / 2.</summary>
    Cosine,

    /// <summary>Step decay: lr, then lr / 10 from p = 0.5, then lr / 100 from p = 0.75.</summary>
    Step,

    /// <summary>The annealing of Ganin and Lempitsky 2015: lr / (1 + 10 p)^0.75.</summary>
    InverseDecay,
}

/// <summary>Evaluates a <see cref="LearningRateSchedule"/>.</summary>
internal static class LearningRateSchedules
{
    /// <summary>The factor the base learning rate is multiplied by at training progress <paramref name="p"/>.</summary>
    public static double Factor(LearningRateSchedule schedule, double p) => schedule switch
    {
        LearningRateSchedule.Constant => 1.0,
        LearningRateSchedule.Cosine => 0.5 * (1 + Math.Cos(Math.PI * p)),
        LearningRateSchedule.Step => p < 0.5 ? 1.0 : p < 0.75 ? 0.1 : 0.01,
        LearningRateSchedule.InverseDecay => Math.Pow(1 + 10 * p, -0.75),
        _ => throw new ArgumentOutOfRangeException(nameof(schedule), schedule, "Unknown learning-rate schedule."),
    };
}
