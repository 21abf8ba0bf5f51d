using TransferLearning.ML.Data;
using TransferLearning.ML.Torch.Models;

namespace TransferLearning.ML.Classification;

/// <summary>The columns every classifier method writes, declared from its model's outputs.</summary>
internal static class ClassifierColumns
{
    /// <summary>The name of the classifier head of a single-label model.</summary>
    public const string Head = "label";

    /// <summary>
    /// Score (the head's probabilities, slot names = classes), PredictedLabel (their argmax as a key
    /// with the label's key values) and, when named, the learned features (the trunk's output).
    /// </summary>
    public static IReadOnlyList<OutputColumnSpec> Declare(string score, string predictedLabel, string? learnedFeatures, string head, KeyValues? classes)
    {
        var columns = new List<OutputColumnSpec>
        {
            new(score, head, OutputColumnKind.ClassScores, classes?.Names, classes?.Tag ?? "Text"),
            new(predictedLabel, head, OutputColumnKind.PredictedKey, classes?.Names, classes?.Tag ?? "Text"),
        };
        if (learnedFeatures is not null) columns.Add(new OutputColumnSpec(learnedFeatures, ModelSpec.FeaturesOutput, OutputColumnKind.Vector));
        return columns;
    }

    /// <summary>The columns <paramref name="options"/> name.</summary>
    public static IReadOnlyList<OutputColumnSpec> Declare(ClassifierOptions options, KeyValues? classes) =>
        Declare(options.ScoreColumnName, options.PredictedLabelColumnName, options.LearnedFeaturesColumnName, Head, classes);
}
