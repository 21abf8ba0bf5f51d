using TransferLearning.ML.Classification;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Progressive;

/// <summary>Options of <see cref="ProgressiveColumnEstimator"/>: the new task's columns, its column's layers, and training settings.</summary>
public sealed class ProgressiveColumnOptions : TrainingOptions
{
    /// <summary>Input: the new task's features, a known-size vector of Single as long as the source model's input. Default "Features".</summary>
    public string FeatureColumnName { get; set; } = DefaultColumnNames.Features;

    /// <summary>Input: the new task's key label; every training row labelled. Default "Label".</summary>
    public string LabelColumnName { get; set; } = DefaultColumnNames.Label;

    /// <summary>
    /// Names the new task's output columns <c>Score.{TaskName}</c> and <c>PredictedLabel.{TaskName}</c>.
    /// Default null: the label column's name. Must differ from every earlier task's.
    /// </summary>
    public string? TaskName { get; set; }

    /// <summary>
    /// The new column's layers: the source trunk's kinds, one for one, with any number of units or
    /// channels (convolutions keep the trunk's kernel, stride and pooling so that laterals line up).
    /// Default null: the same layers as the trunk.
    /// </summary>
    public NetworkSpec? Column { get; set; }

    /// <summary>The new task's Score column: <c>Score.{TaskName}</c>.</summary>
    public string ScoreColumnName => $"{DefaultColumnNames.Score}.{TaskName ?? LabelColumnName}";

    /// <summary>The new task's PredictedLabel column: <c>PredictedLabel.{TaskName}</c>.</summary>
    public string PredictedLabelColumnName => $"{DefaultColumnNames.PredictedLabel}.{TaskName ?? LabelColumnName}";

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(!string.IsNullOrWhiteSpace(FeatureColumnName), nameof(FeatureColumnName), FeatureColumnName, "a non-empty column name");
        Require(!string.IsNullOrWhiteSpace(LabelColumnName), nameof(LabelColumnName), LabelColumnName, "a non-empty column name");
        Require(TaskName is null || !string.IsNullOrWhiteSpace(TaskName), nameof(TaskName), TaskName, "null or a non-empty name");
    }

    /// <summary>The column names as the classifier readers take them.</summary>
    internal ClassifierOptions Columns() => new()
    {
        FeatureColumnName = FeatureColumnName,
        LabelColumnName = LabelColumnName,
        ScoreColumnName = ScoreColumnName,
        PredictedLabelColumnName = PredictedLabelColumnName,
    };
}
