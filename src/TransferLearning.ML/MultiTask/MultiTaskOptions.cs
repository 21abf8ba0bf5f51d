using TransferLearning.ML.Classification;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.MultiTask;

/// <summary>Options of <see cref="MultiTaskTrainer"/>: the tasks' label columns, their weights, the shared network, and training settings.</summary>
public sealed class MultiTaskOptions : TrainingOptions
{
    /// <summary>Input: a known-size vector of Single shared by every task. Default "Features".</summary>
    public string FeatureColumnName { get; set; } = DefaultColumnNames.Features;

    /// <summary>
    /// One label column per task, at least one: a key column (classification; map text with
    /// MapValueToKey), a Single column (regression) or a Boolean column (binary classification, which
    /// has no missing value). A row whose label is missing (key 0, or NaN) is left out of that task's
    /// loss only. No default.
    /// </summary>
    public IReadOnlyList<string> LabelColumnNames { get; set; } = [];

    /// <summary>
    /// Fixed weight of each task's loss, in the order of <see cref="LabelColumnNames"/>; each finite and
    /// at least 0. Default null: every task weighs 1. Ignored with <see cref="UncertaintyWeighting"/>.
    /// </summary>
    public IReadOnlyList<double>? TaskWeights { get; set; }

    /// <summary>
    /// Learn the weights instead (Kendall, Gal and Cipolla, CVPR 2018: each task's loss scaled by its
    /// learnt homoscedastic uncertainty); the fitted model's TrainingReport.Metrics holds the learnt
    /// weights as <c>task-weight.{label}</c>. Default false.
    /// </summary>
    public bool UncertaintyWeighting { get; set; }

    /// <summary>The shared trunk's layers; each task gets a linear head on its output. Default <c>NetworkSpec.Mlp(128)</c>.</summary>
    public NetworkSpec Network { get; set; } = NetworkSpec.Mlp(128);

    /// <summary>
    /// Task-specific inputs: one feature column per task, in the order of <see cref="LabelColumnNames"/>
    /// (tasks may share one). Each distinct column gets its own input encoder (<see cref="Encoder"/>)
    /// into the shared <see cref="Network"/> — the topology for tasks whose rows carry different
    /// features, such as two domains with different inputs. Every row needs finite values in every
    /// column (fill a column a row does not use, e.g. with zeros); a task learns from the rows that
    /// have its label. Default null: every task reads <see cref="FeatureColumnName"/> and no encoder is used.
    /// </summary>
    public IReadOnlyList<string>? TaskFeatureColumnNames { get; set; }

    /// <summary>The layers of each task-specific encoder (see <see cref="TaskFeatureColumnNames"/>); all must produce the same size. Default <c>NetworkSpec.Mlp(128)</c>.</summary>
    public NetworkSpec Encoder { get; set; } = NetworkSpec.Mlp(128);

    /// <summary>The feature column of every task, in order.</summary>
    internal IReadOnlyList<string> TaskFeatures => TaskFeatureColumnNames ?? LabelColumnNames.Select(_ => FeatureColumnName).ToArray();

    /// <summary>
    /// Output columns are named <c>{ScoreColumnPrefix}.{label}</c> (class probabilities, or the
    /// predicted value for a regression task) and <c>{PredictedLabelColumnPrefix}.{label}</c>
    /// (classification tasks: a key with the label's key values). Defaults "Score" and "PredictedLabel",
    /// so a task on label "Corn" writes <c>Score.Corn</c> and <c>PredictedLabel.Corn</c>.
    /// </summary>
    public string ScoreColumnPrefix { get; set; } = DefaultColumnNames.Score;

    /// <summary>See <see cref="ScoreColumnPrefix"/>. Default "PredictedLabel".</summary>
    public string PredictedLabelColumnPrefix { get; set; } = DefaultColumnNames.PredictedLabel;

    /// <summary>A binary task's probability column is <c>{ProbabilityColumnPrefix}.{label}</c>. Default "Probability".</summary>
    public string ProbabilityColumnPrefix { get; set; } = "Probability";

    /// <summary>The probability column of the binary task on <paramref name="labelColumnName"/>.</summary>
    public string ProbabilityColumnName(string labelColumnName) => $"{ProbabilityColumnPrefix}.{labelColumnName}";


    /// <summary>The score column of the task on <paramref name="labelColumnName"/>.</summary>
    public string ScoreColumnName(string labelColumnName) => $"{ScoreColumnPrefix}.{labelColumnName}";

    /// <summary>The predicted-label column of the task on <paramref name="labelColumnName"/>.</summary>
    public string PredictedLabelColumnName(string labelColumnName) => $"{PredictedLabelColumnPrefix}.{labelColumnName}";

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(!string.IsNullOrWhiteSpace(FeatureColumnName), nameof(FeatureColumnName), FeatureColumnName, "a non-empty column name");
        Require(LabelColumnNames is { Count: > 0 } && LabelColumnNames.All(n => !string.IsNullOrWhiteSpace(n)), nameof(LabelColumnNames),
            LabelColumnNames is null ? null : $"[{string.Join(", ", LabelColumnNames)}]", "a list of at least one non-empty column name");
        var repeated = LabelColumnNames!.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1)?.Key;
        if (repeated is not null)
            throw new ArgumentException(
                $"Option LabelColumnNames names '{repeated}' twice: two tasks would write the same columns ({ScoreColumnName(repeated)}).", nameof(LabelColumnNames));
        if (TaskWeights is not null)
            Require(TaskWeights.Count == LabelColumnNames!.Count && TaskWeights.All(w => w >= 0 && double.IsFinite(w)), nameof(TaskWeights),
                $"[{string.Join(", ", TaskWeights)}]", $"one finite weight of at least 0 per task ({LabelColumnNames!.Count})");
        Require(Network is not null, nameof(Network), null, "a network spec");
        if (TaskFeatureColumnNames is not null)
        {
            Require(TaskFeatureColumnNames.Count == LabelColumnNames!.Count && TaskFeatureColumnNames.All(n => !string.IsNullOrWhiteSpace(n)), nameof(TaskFeatureColumnNames),
                $"[{string.Join(", ", TaskFeatureColumnNames)}]", $"one non-empty feature column name per task ({LabelColumnNames.Count})");
            Require(Encoder is not null, nameof(Encoder), null, "a network spec");
        }
        Require(!string.IsNullOrWhiteSpace(ScoreColumnPrefix), nameof(ScoreColumnPrefix), ScoreColumnPrefix, "a non-empty prefix");
        Require(!string.IsNullOrWhiteSpace(PredictedLabelColumnPrefix) && PredictedLabelColumnPrefix != ScoreColumnPrefix, nameof(PredictedLabelColumnPrefix),
            PredictedLabelColumnPrefix, "a non-empty prefix other than ScoreColumnPrefix");
        Require(!string.IsNullOrWhiteSpace(ProbabilityColumnPrefix) && ProbabilityColumnPrefix != ScoreColumnPrefix && ProbabilityColumnPrefix != PredictedLabelColumnPrefix,
            nameof(ProbabilityColumnPrefix), ProbabilityColumnPrefix, "a non-empty prefix other than the score and predicted-label ones");
    }
}
