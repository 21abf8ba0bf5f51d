namespace TransferLearning.ML.Serialization;

/// <summary>How a loader reports a model part it cannot read: one message for every part.</summary>
internal static class LoadFailure
{
    /// <summary>The exceptions that mean the stored data are bad (as opposed to a bug or the machine).</summary>
    public static bool IsBadData(Exception e) => e is InvalidDataException or EndOfStreamException or IOException or FormatException;

    public static InvalidDataException Corrupt(string part, Exception e) =>
        new($"Cannot load the {part} from this model: it is corrupt or was written by an incompatible version. {e.Message}", e);
}
