namespace TransferLearning.ML.Torch.Training;

/// <summary>
/// Settings of the one training loop every method shares: epochs of shuffled mini-batches, the
/// optimizer and its learning-rate schedule, an optional validation split with early stopping,
/// the seed and the device. Method options derive from this class.
/// </summary>
public class TrainingOptions
{
    /// <summary>Passes over the training rows. Default 10; at least 1.</summary>
    public int Epochs { get; set; } = TrainingDefaults.Epochs;

    /// <summary>Rows per mini-batch. Default 64; at least 1.</summary>
    public int BatchSize { get; set; } = TrainingDefaults.BatchSize;

    /// <summary>The optimizer. Default <see cref="OptimizerKind.Adam"/>.</summary>
    public OptimizerKind Optimizer { get; set; } = OptimizerKind.Adam;

    /// <summary>Base learning rate. Default 0.001 (Adam's usual value); greater than 0.</summary>
    public double LearningRate { get; set; } = TrainingDefaults.LearningRate;

    /// <summary>Momentum of <see cref="OptimizerKind.Sgd"/>; ignored by Adam. Default 0.9; in [0, 1).</summary>
    public double Momentum { get; set; } = 0.9;

    /// <summary>L2 weight decay added by the optimizer. Default 0; at least 0.</summary>
    public double WeightDecay { get; set; }

    /// <summary>How the learning rate changes over the steps. Default <see cref="LearningRateSchedule.Constant"/>.</summary>
    public LearningRateSchedule LearningRateSchedule { get; set; } = LearningRateSchedule.Constant;

    /// <summary>
    /// Fraction of the training rows held out (at random, by <see cref="Seed"/>) to measure
    /// validation loss and accuracy after each epoch; the epoch with the lowest validation loss (or
    /// the method's own label-free selection score) is the one returned. Default 0 (no split: the last epoch is returned); in [0, 0.9].
    /// </summary>
    public double ValidationFraction { get; set; }

    /// <summary>
    /// Stop after this many epochs without a lower validation loss. Default 0 (never stop early);
    /// at least 0; needs <see cref="ValidationFraction"/> &gt; 0.
    /// </summary>
    public int EarlyStoppingPatience { get; set; }

    /// <summary>
    /// Seeds weight initialisation, shuffling, dropout and the validation split. The same seed and
    /// data give the same model on the same CPU. Default 0.
    /// </summary>
    public int Seed { get; set; } = TrainingDefaults.Seed;

    /// <summary>Where to train and predict. Default <see cref="DeviceKind.Auto"/> (CUDA when available).</summary>
    public DeviceKind Device { get; set; } = DeviceKind.Auto;

    /// <summary>
    /// Refuse a run whose loss exploded: when an epoch's mean training loss exceeds 100 times the
    /// first step's loss (or 100, if that was smaller than 1), Fit throws
    /// <see cref="InvalidOperationException"/> naming the learning rate, instead of returning the
    /// model. Default true; false keeps training. A NaN or infinite loss always stops training.
    /// </summary>
    public bool FailOnDivergence { get; set; } = true;

    /// <summary>Receives an update after every step and at the end of every epoch. Default none.</summary>
    public IProgress<TrainingProgress>? Progress { get; set; }

    /// <summary>Stops training between two steps with <see cref="OperationCanceledException"/>. Default none.</summary>
    public CancellationToken CancellationToken { get; set; }

    /// <summary>Checks every setting; the exception names the option and its valid range.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public virtual void Validate()
    {
        Require(Epochs >= 1, nameof(Epochs), Epochs, "at least 1");
        Require(BatchSize >= 1, nameof(BatchSize), BatchSize, "at least 1");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), LearningRate, "a finite number greater than 0");
        Require(Momentum >= 0 && Momentum < 1, nameof(Momentum), Momentum, "in [0, 1)");
        Require(WeightDecay >= 0 && double.IsFinite(WeightDecay), nameof(WeightDecay), WeightDecay, "a finite number of at least 0");
        Require(ValidationFraction >= 0 && ValidationFraction <= 0.9, nameof(ValidationFraction), ValidationFraction, "in [0, 0.9]");
        Require(EarlyStoppingPatience >= 0, nameof(EarlyStoppingPatience), EarlyStoppingPatience, "at least 0");
        if (EarlyStoppingPatience > 0 && ValidationFraction == 0)
            throw new ArgumentException(
                $"{nameof(EarlyStoppingPatience)} is {EarlyStoppingPatience}, but early stopping needs a validation split: set {nameof(ValidationFraction)} > 0.",
                nameof(EarlyStoppingPatience));
        Require(Enum.IsDefined(Optimizer), nameof(Optimizer), Optimizer, "a defined OptimizerKind");
        Require(Enum.IsDefined(LearningRateSchedule), nameof(LearningRateSchedule), LearningRateSchedule, "a defined LearningRateSchedule");
        Require(Enum.IsDefined(Device), nameof(Device), Device, "a defined DeviceKind");
    }

    /// <summary>A copy of these settings for a second training phase with its own epochs and learning rate.</summary>
    internal TrainingOptions WithPhase(int epochs, double learningRate)
    {
        var phase = (TrainingOptions)MemberwiseClone();
        phase.Epochs = epochs;
        phase.LearningRate = learningRate;
        return phase;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the option unless <paramref name="condition"/> holds.</summary>
    protected static void Require(bool condition, string option, object? value, string expected)
    {
        if (!condition)
            throw new ArgumentException($"Option {option} must be {expected}, but is {value ?? "null"}.", option);
    }
}
