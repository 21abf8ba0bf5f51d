using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Classification;

/// <summary>
/// Column names and training settings shared by every method whose product is a classifier.
/// Outputs follow ML.NET's multiclass convention: <c>Score</c> holds the class probabilities and
/// <c>PredictedLabel</c> is a key with the label's key values, so
/// <c>mlContext.MulticlassClassification.Evaluate</c> and <c>MapKeyToValue</c> work unchanged.
/// </summary>
public class ClassifierOptions : TrainingOptions
{
    /// <summary>Input: a known-size vector of Single. Default "Features".</summary>
    public string FeatureColumnName { get; set; } = DefaultColumnNames.Features;

    /// <summary>Input: a key column (see MapValueToKey); every training row needs a value. Default "Label".</summary>
    public string LabelColumnName { get; set; } = DefaultColumnNames.Label;

    /// <summary>Output: vector of class probabilities. Default "Score".</summary>
    public string ScoreColumnName { get; set; } = DefaultColumnNames.Score;

    /// <summary>Output: the most probable class, a key with the label's key values. Default "PredictedLabel".</summary>
    public string PredictedLabelColumnName { get; set; } = DefaultColumnNames.PredictedLabel;

    /// <summary>
    /// Optional output: the network's learned features (the last block's output, the head's input).
    /// Default null (not written).
    /// </summary>
    public string? LearnedFeaturesColumnName { get; set; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        RequireName(FeatureColumnName, nameof(FeatureColumnName));
        RequireName(LabelColumnName, nameof(LabelColumnName));
        RequireName(ScoreColumnName, nameof(ScoreColumnName));
        RequireName(PredictedLabelColumnName, nameof(PredictedLabelColumnName));
        if (LearnedFeaturesColumnName is not null) RequireName(LearnedFeaturesColumnName, nameof(LearnedFeaturesColumnName));
        var outputs = new[] { ScoreColumnName, PredictedLabelColumnName, LearnedFeaturesColumnName }.OfType<string>().ToArray();
        if (outputs.Distinct().Count() != outputs.Length)
            throw new ArgumentException($"Output column names must differ: {string.Join(", ", outputs)}.", nameof(ScoreColumnName));
    }

    private static void RequireName(string? name, string option) =>
        Require(!string.IsNullOrWhiteSpace(name), option, name is null ? null : $"'{name}'", "a non-empty column name");
}

/// <summary>ML.NET's default column names.</summary>
public static class DefaultColumnNames
{
    /// <summary>"Features".</summary>
    public const string Features = "Features";

    /// <summary>"Label".</summary>
    public const string Label = "Label";

    /// <summary>"Score".</summary>
    public const string Score = "Score";

    /// <summary>"PredictedLabel".</summary>
    public const string PredictedLabel = "PredictedLabel";
}
