namespace TransferLearning.ML.Torch.Training;

/// <summary>What a training run did: per-epoch losses, and which epoch's weights were kept.</summary>
public sealed record TrainingReport
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

    /// <summary>Summary numbers a method adds (for example the proxy A-distance before and after adaptation).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Signs found after training that the model may be worse than it looks (for example target predictions collapsed onto few classes); empty when none.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>
    /// One report for two training phases run one after the other (for example a frozen phase
    /// and a fine-tuning phase): the second phase's epochs are numbered after the first's.
    /// </summary>
    public static TrainingReport Concat(TrainingReport first, TrainingReport second)
    {
        int offset = first.Epochs.Count;
        int total = offset + second.Epochs.Count;
        return new TrainingReport
        {
            Epochs = [.. first.Epochs.Select(e => e with { Epochs = total }), .. second.Epochs.Select(e => e with { Epoch = e.Epoch + offset, Epochs = total })],
            SelectedEpoch = offset + second.SelectedEpoch,
            StoppedEarly = second.StoppedEarly,
            TrainingRows = second.TrainingRows,
            ValidationRows = second.ValidationRows,
            Metrics = first.Metrics.Concat(second.Metrics).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value),
        };
    }
}
