namespace TransferLearning.ML.Torch.Training;

/// <summary>A snapshot of training, sent after every step and at the end of every epoch.</summary>
public sealed record TrainingProgress
{
    /// <summary>The current epoch, from 1.</summary>
    public int Epoch { get; init; }

    /// <summary>The number of epochs asked for.</summary>
    public int Epochs { get; init; }

    /// <summary>Steps done in this epoch, from 1.</summary>
    public int Step { get; init; }

    /// <summary>Steps per epoch.</summary>
    public int StepsPerEpoch { get; init; }

    /// <summary>Mean training loss over the steps of this epoch so far.</summary>
    public double Loss { get; init; }

    /// <summary>Mean of each named part of the loss (for example a domain loss) over this epoch so far.</summary>
    public IReadOnlyDictionary<string, double> LossParts { get; init; } = new Dictionary<string, double>();

    /// <summary>The base learning rate used by the last step, after the schedule.</summary>
    public double LearningRate { get; init; }

    /// <summary>True on the report that closes an epoch.</summary>
    public bool EpochCompleted { get; init; }

    /// <summary>Validation loss at the end of the epoch; null without a validation split.</summary>
    public double? ValidationLoss { get; init; }

    /// <summary>Validation accuracy at the end of the epoch; null without a validation split.</summary>
    public double? ValidationAccuracy { get; init; }

    /// <summary>The method's model-selection score at the end of the epoch, when it has one besides the loss (lower is better).</summary>
    public double? ValidationScore { get; init; }

    /// <inheritdoc />
    public override string ToString()
    {
        var text = $"epoch {Epoch}/{Epochs} step {Step}/{StepsPerEpoch} loss {Loss:F4}";
        foreach (var part in LossParts) text += $" {part.Key} {part.Value:F4}";
        if (ValidationLoss is double vl) text += $" val-loss {vl:F4}";
        if (ValidationAccuracy is double va) text += $" val-acc {va:P2}";
        if (ValidationScore is double vs) text += $" val-score {vs:F4}";
        return text;
    }
}
