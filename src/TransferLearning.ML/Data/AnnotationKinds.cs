namespace TransferLearning.ML.Data;

/// <summary>ML.NET's annotation names (its own constants are internal).</summary>
internal static class AnnotationKinds
{
    public const string KeyValues = "KeyValues";
    public const string SlotNames = "SlotNames";
    public const string ScoreColumnKind = "ScoreColumnKind";
    public const string ScoreValueKind = "ScoreValueKind";

    /// <summary>The ScoreColumnKind of a multiclass classifier's Score column.</summary>
    public const string MulticlassClassification = "MulticlassClassification";

    /// <summary>The ScoreValueKind of a Score column.</summary>
    public const string Score = "Score";
}
