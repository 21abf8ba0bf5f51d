namespace TransferLearning.ML.Torch.Training;

/// <summary>What a training run did: per-epoch losses, and which epoch's weights were kept.</summary>
public sealed class TrainingReport
{
    /// <summary>The end-of-epoch progress reports, in order.</summary>
    public IReadOnlyList<TrainingProgress> Epochs { get; init; } = [];

    /// <summary>The epoch (from 1) whose weights the model holds: the best validation loss, or the last epoch.</summary>
    public int SelectedEpoch { get; init; }

    /// <summary>True when early stopping ended training before the last epoch.</summary>
    public bool StoppedEarly { get; init; }

    /// <summary>Training rows used for steps.</summary>
    public int TrainingRows { get; init; }

    /// <summary>Rows held out for validation.</summary>
    public int ValidationRows { get; init; }
}
