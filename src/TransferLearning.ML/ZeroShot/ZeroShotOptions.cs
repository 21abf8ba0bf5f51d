using TransferLearning.ML.Classification;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Torch.ZeroShot;

namespace TransferLearning.ML.ZeroShot;

/// <summary>The classes a zero-shot model scores and the columns it writes; shared by every zero-shot method.</summary>
public interface IZeroShotOutput
{
    /// <summary>The class description table (seen and candidate classes).</summary>
    ClassDescriptions? ClassDescriptions { get; }

    /// <summary>Unseen (default) or generalised zero-shot.</summary>
    ZeroShotMode Mode { get; }

    /// <summary>Explicit candidate classes (all must be in the table); null to follow <see cref="Mode"/>.</summary>
    IReadOnlyList<string>? CandidateClasses { get; }

    /// <summary>Output: scores over the candidate classes.</summary>
    string ScoreColumnName { get; }

    /// <summary>Output: a key whose values are the candidate names.</summary>
    string PredictedLabelColumnName { get; }
}

/// <summary>Options shared by the zero-shot methods that train a network on seen-class rows.</summary>
public abstract class ZeroShotTrainingOptions : TrainingOptions, IZeroShotOutput
{
    /// <summary>Input: a known-size vector of Single. Default "Features".</summary>
    public string FeatureColumnName { get; set; } = DefaultColumnNames.Features;

    /// <summary>Input: a key column whose key values are the seen class names (MapValueToKey on a text label). Default "Label".</summary>
    public string LabelColumnName { get; set; } = DefaultColumnNames.Label;

    /// <summary>Output: scores over the candidate classes. Default "Score".</summary>
    public string ScoreColumnName { get; set; } = DefaultColumnNames.Score;

    /// <summary>Output: the best candidate, a key whose values are the candidate names. Default "PredictedLabel".</summary>
    public string PredictedLabelColumnName { get; set; } = DefaultColumnNames.PredictedLabel;

    /// <summary>The class description table; required. Every training label must be in it.</summary>
    public ClassDescriptions? ClassDescriptions { get; set; }

    /// <summary>Unseen (default) or generalised zero-shot.</summary>
    public ZeroShotMode Mode { get; set; } = ZeroShotMode.Unseen;

    /// <summary>Explicit candidate classes (all in the table); null (default) to follow <see cref="Mode"/>.</summary>
    public IReadOnlyList<string>? CandidateClasses { get; set; }

    /// <summary>The image (feature) network's blocks. Default <c>NetworkSpec.Mlp(256)</c>.</summary>
    public NetworkSpec Network { get; set; } = NetworkSpec.Mlp(256);

    /// <summary>
    /// Calibrated stacking (Chao et al. 2016), when seen classes are candidates (generalised
    /// zero-shot): the constant subtracted from every seen class's score, because a model trained
    /// only on seen classes scores them higher and otherwise gives them almost every row. Default
    /// null: chosen on the training data without any unseen label — in each of
    /// <see cref="CalibrationSplits"/> splits, <see cref="CalibrationClassFraction"/> of the seen
    /// classes are held out as stand-ins for unseen ones, a model of the same options is trained on
    /// the rest (80 % of their rows) and scores the held-out rows; the penalty of the highest harmonic
    /// mean of seen and stand-in accuracy, averaged over the splits, is kept
    /// (<see cref="CalibratedStacking.ChoosePenalty(IEnumerable{ZeroShotMetrics})"/>; one extra training per split; with fewer than 3
    /// seen classes there is nothing to hold out and the penalty is 0). A number is used as given
    /// (0: uncalibrated). Must be finite.
    /// </summary>
    public double? SeenClassPenalty { get; set; }

    /// <summary>Share of the seen classes held out in each calibration split (at least one, leaving two). Default 0.3; in (0, 1).</summary>
    public double CalibrationClassFraction { get; set; } = 0.3;

    /// <summary>
    /// Class splits the penalty is chosen on when <see cref="SeenClassPenalty"/> is null: each holds
    /// out different stand-in classes (taken in turn from one shuffled order, so every seen class
    /// stands in about as often) and costs one extra training. Default 3; at least 1.
    /// </summary>
    public int CalibrationSplits { get; set; } = 3;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(ClassDescriptions is not null, nameof(ClassDescriptions), null, "a class description table");
        Require(Network is not null, nameof(Network), null, "a network spec");
        Require(Enum.IsDefined(Mode), nameof(Mode), Mode, "a defined ZeroShotMode");
        Require(SeenClassPenalty is null || double.IsFinite(SeenClassPenalty.Value), nameof(SeenClassPenalty), SeenClassPenalty, "null (calibrate) or a finite number");
        Require(CalibrationClassFraction > 0 && CalibrationClassFraction < 1, nameof(CalibrationClassFraction), CalibrationClassFraction, "in (0, 1)");
        Require(CalibrationSplits >= 1, nameof(CalibrationSplits), CalibrationSplits, "at least 1");
        foreach (var (name, option) in new[] { (FeatureColumnName, nameof(FeatureColumnName)), (LabelColumnName, nameof(LabelColumnName)),
                     (ScoreColumnName, nameof(ScoreColumnName)), (PredictedLabelColumnName, nameof(PredictedLabelColumnName)) })
            Require(!string.IsNullOrWhiteSpace(name), option, name, "a non-empty column name");
    }
}

/// <summary>Options of <see cref="ZeroShotAttributeScorer"/> (direct attribute prediction, Lampert et al. 2009).</summary>
public sealed class ZeroShotAttributeOptions : ZeroShotTrainingOptions
{
    /// <summary>Output: the predicted attribute vector (probabilities for binary attributes). Default "Attributes".</summary>
    public string AttributesColumnName { get; set; } = "Attributes";

    /// <summary>
    /// How predicted attributes are matched to candidates; null (default) chooses direct attribute
    /// prediction for a binary table and cosine similarity for a continuous one.
    /// </summary>
    public AttributeMatching? Matching { get; set; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(!string.IsNullOrWhiteSpace(AttributesColumnName), nameof(AttributesColumnName), AttributesColumnName, "a non-empty column name");
        if (Matching == AttributeMatching.DirectAttributePrediction && ClassDescriptions is { IsBinary: false })
            throw new ArgumentException("Matching DirectAttributePrediction needs binary (0/1) class descriptions.", nameof(Matching));
    }
}

/// <summary>Options of <see cref="AttributeEmbeddingTrainer"/> (DeViSE / ALE max-margin embedding).</summary>
public sealed class AttributeEmbeddingOptions : ZeroShotTrainingOptions
{
    /// <summary>Dimension of the joint embedding space. Default 64; at least 1.</summary>
    public int EmbeddingSize { get; set; } = 64;

    /// <summary>k, the ranking margin. Default 1; greater than 0.</summary>
    public double Margin { get; set; } = 1.0;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(EmbeddingSize >= 1, nameof(EmbeddingSize), EmbeddingSize, "at least 1");
        Require(Margin > 0 && double.IsFinite(Margin), nameof(Margin), Margin, "a finite number greater than 0");
    }
}

/// <summary>Options of <see cref="ConSEProjector"/> (Norouzi et al. 2013). No training.</summary>
public sealed class ConSEOptions : IZeroShotOutput
{
    /// <summary>Input: the Score column of a fitted multiclass model over the seen classes. Default "Score".</summary>
    public string InputScoreColumnName { get; set; } = DefaultColumnNames.Score;

    /// <summary>
    /// The seen classes in Score order; null (default) reads them from the Score column's slot
    /// names (which this package's classifiers and ML.NET's trainers write from the label's key values).
    /// </summary>
    public IReadOnlyList<string>? SeenClasses { get; set; }

    /// <summary>T, how many of the most probable seen classes are combined. Default 10 (the paper's); at least 1.</summary>
    public int TopCount { get; set; } = 10;

    /// <summary>Output: the convex combination of the top classes' embeddings. Default "Embedding".</summary>
    public string EmbeddingColumnName { get; set; } = "Embedding";

    /// <summary>Output: cosine similarity to each candidate class. Default "Score" (it hides the input Score).</summary>
    public string ScoreColumnName { get; set; } = DefaultColumnNames.Score;

    /// <summary>Output: the candidate most similar, a key whose values are the candidate names. Default "PredictedLabel".</summary>
    public string PredictedLabelColumnName { get; set; } = DefaultColumnNames.PredictedLabel;

    /// <summary>The class embeddings (seen and candidate classes); required.</summary>
    public ClassDescriptions? ClassDescriptions { get; set; }

    /// <summary>Unseen (default) or generalised zero-shot.</summary>
    public ZeroShotMode Mode { get; set; } = ZeroShotMode.Unseen;

    /// <summary>Explicit candidate classes; null (default) to follow <see cref="Mode"/>.</summary>
    public IReadOnlyList<string>? CandidateClasses { get; set; }

    /// <summary>
    /// Calibrated stacking (Chao et al. 2016): the constant subtracted from the seen classes' scores
    /// when they are candidates. Default 0. ConSE cannot choose it itself (the classifier is given):
    /// <c>TransferLearningCatalog.ChooseConSEPenalty</c> chooses it on class splits from a classifier
    /// recipe you pass, as the trained zero-shot methods choose theirs.
    /// </summary>
    public double SeenClassPenalty { get; set; }

    /// <summary>Checks every setting; the exception names the option.</summary>
    public void Validate()
    {
        if (!double.IsFinite(SeenClassPenalty)) throw new ArgumentException($"Option SeenClassPenalty must be a finite number, but is {SeenClassPenalty}.", nameof(SeenClassPenalty));
        if (ClassDescriptions is null) throw new ArgumentException("Option ClassDescriptions must be a class description table.", nameof(ClassDescriptions));
        if (TopCount < 1) throw new ArgumentException($"Option TopCount must be at least 1, but is {TopCount}.", nameof(TopCount));
        if (!Enum.IsDefined(Mode)) throw new ArgumentException($"Option Mode must be a defined ZeroShotMode, but is {Mode}.", nameof(Mode));
        foreach (var (name, option) in new[] { (InputScoreColumnName, nameof(InputScoreColumnName)), (EmbeddingColumnName, nameof(EmbeddingColumnName)),
                     (ScoreColumnName, nameof(ScoreColumnName)), (PredictedLabelColumnName, nameof(PredictedLabelColumnName)) })
            if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException($"Option {option} must be a non-empty column name.", option);
    }
}
