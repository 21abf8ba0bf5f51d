using Microsoft.ML;
using TransferLearning.ML.Classification;
using TransferLearning.ML.ZeroShot;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML;

/// <summary>Zero-shot learning: attributes (DAP), attribute embedding, ConSE, and their evaluation.</summary>
public sealed partial class TransferLearningCatalog
{
    /// <summary>
    /// Zero-shot learning by class attributes (DAP, Lampert et al. 2009): learns to predict each
    /// class's description from the features on seen-class rows, then predicts among candidate
    /// classes (by default the table's classes absent from the training labels).
    /// </summary>
    /// <param name="classDescriptions">Class name → attribute vector, covering seen and candidate classes.</param>
    /// <param name="labelColumnName">Key label whose key values are the seen class names. Default "Label".</param>
    /// <param name="featureColumnName">Float vector feature column. Default "Features".</param>
    /// <param name="mode">Unseen (default) or generalised zero-shot.</param>
    /// <param name="epochs">Passes over the training rows. Default 10.</param>
    /// <param name="seed">Seeds initialisation and shuffling. Default 0.</param>
    public ZeroShotAttributeScorer ZeroShotAttributes(ClassDescriptions classDescriptions, string labelColumnName = DefaultColumnNames.Label,
        string featureColumnName = DefaultColumnNames.Features, ZeroShotMode mode = ZeroShotMode.Unseen, int epochs = TrainingDefaults.Epochs,
        int seed = TrainingDefaults.Seed) => new(Context, new ZeroShotAttributeOptions
        {
            ClassDescriptions = classDescriptions,
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            Mode = mode,
            Epochs = epochs,
            Seed = seed,
        });

    /// <summary>Zero-shot attribute prediction with every setting of <see cref="ZeroShotAttributeOptions"/>.</summary>
    public ZeroShotAttributeScorer ZeroShotAttributes(ZeroShotAttributeOptions options) => new(Context, options);

    /// <summary>
    /// Attribute label embedding (DeViSE / ALE): f(x) and g(y) trained into one space with a
    /// max-margin ranking loss; predicts the candidate maximising f(x)·g(y).
    /// </summary>
    /// <param name="classDescriptions">Class name → attribute or semantic vector.</param>
    /// <param name="labelColumnName">Key label whose key values are the seen class names. Default "Label".</param>
    /// <param name="featureColumnName">Float vector feature column. Default "Features".</param>
    /// <param name="mode">Unseen (default) or generalised zero-shot.</param>
    /// <param name="margin">k, the ranking margin. Default 1.</param>
    /// <param name="epochs">Passes over the training rows. Default 10.</param>
    /// <param name="seed">Seeds initialisation and shuffling. Default 0.</param>
    public AttributeEmbeddingTrainer AttributeEmbedding(ClassDescriptions classDescriptions, string labelColumnName = DefaultColumnNames.Label,
        string featureColumnName = DefaultColumnNames.Features, ZeroShotMode mode = ZeroShotMode.Unseen, double margin = 1.0,
        int epochs = TrainingDefaults.Epochs, int seed = TrainingDefaults.Seed) => new(Context, new AttributeEmbeddingOptions
        {
            ClassDescriptions = classDescriptions,
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            Mode = mode,
            Margin = margin,
            Epochs = epochs,
            Seed = seed,
        });

    /// <summary>Attribute embedding with every setting of <see cref="AttributeEmbeddingOptions"/>.</summary>
    public AttributeEmbeddingTrainer AttributeEmbedding(AttributeEmbeddingOptions options) => new(Context, options);

    /// <summary>
    /// ConSE (Norouzi et al. 2013): turns the Score column of any fitted multiclass model over seen
    /// classes into a zero-shot prediction among candidate classes, by the convex combination of the
    /// top <paramref name="topCount"/> seen classes' embeddings. No training.
    /// </summary>
    /// <param name="classEmbeddings">Class name → semantic embedding, for seen and candidate classes.</param>
    /// <param name="topCount">T. Default 10.</param>
    /// <param name="mode">Unseen (default) or generalised zero-shot.</param>
    /// <param name="inputScoreColumnName">The seen-class Score column. Default "Score".</param>
    public ConSEProjector ConSE(ClassDescriptions classEmbeddings, int topCount = 10, ZeroShotMode mode = ZeroShotMode.Unseen,
        string inputScoreColumnName = DefaultColumnNames.Score) => new(new ConSEOptions
        {
            ClassDescriptions = classEmbeddings,
            TopCount = topCount,
            Mode = mode,
            InputScoreColumnName = inputScoreColumnName,
        });

    /// <summary>ConSE with every setting of <see cref="ConSEOptions"/>.</summary>
    public ConSEProjector ConSE(ConSEOptions options) => new(options);

    /// <summary>
    /// Chooses ConSE's seen-class penalty (calibrated stacking, Chao et al. 2016) without unseen
    /// labels, as the trained zero-shot methods do: in each of <paramref name="splits"/> splits,
    /// <paramref name="classFraction"/> of the seen classes stand in for unseen ones (taken in turn
    /// from one shuffled order), <paramref name="fitClassifier"/> trains on 80 % of the rows without
    /// them, ConSE over its scores rates the other 20 % of every class, and the penalty of the highest
    /// harmonic mean averaged over the splits is returned (<see cref="CalibratedStacking.ChoosePenalty(IEnumerable{ZeroShotMetrics})"/>).
    /// Pass it as <see cref="ConSEOptions.SeenClassPenalty"/> of the generalised ConSE on the
    /// classifier trained on every seen class.
    /// </summary>
    /// <param name="seenRows">The seen-class training rows, with the class name as text in <paramref name="labelColumnName"/>.</param>
    /// <param name="fitClassifier">Trains the classifier ConSE reads (the same pipeline as the real one; it must map the text label itself); called once per split.</param>
    /// <param name="options">ConSE's options (table, TopCount, input score column); its mode, candidates and penalty are not used: every table class is a candidate here.</param>
    /// <param name="labelColumnName">The class-name column. Default "Label".</param>
    /// <param name="splits">Class splits, one classifier training each. Default 3; at least 1.</param>
    /// <param name="classFraction">Share of the seen classes held out in each split (at least one, leaving two). Default 0.3; in (0, 1).</param>
    /// <param name="seed">Seeds the class order and the row splits. Default 0.</param>
    /// <exception cref="ArgumentException">The label column is missing or not text, there are fewer than 3 classes, a class is missing from the table, or a setting is out of range.</exception>
    public double ChooseConSEPenalty(IDataView seenRows, Func<IDataView, ITransformer> fitClassifier, ConSEOptions options,
        string labelColumnName = DefaultColumnNames.Label, int splits = 3, double classFraction = 0.3, int seed = TrainingDefaults.Seed) =>
        ConSECalibration.ChoosePenalty(Context, seenRows, fitClassifier, options, labelColumnName, splits, classFraction, seed);

    /// <summary>
    /// Calibrated stacking (Chao et al. 2016) chosen on unlabelled rows of the data to be scored
    /// (transductive): returns a copy of <paramref name="zeroShotModel"/>, same weights, whose
    /// seen-class penalty is raised until <paramref name="unseenShare"/> of
    /// <paramref name="unlabelledRows"/> go to an unseen candidate. No labels and no stand-in classes are
    /// needed, only the share of unseen-class rows expected among those rows; it is as wrong as that
    /// expectation is. Use it when the rows to score are at hand (a batch to label) and the class-split
    /// calibration's penalty does not carry over to the real unseen classes. The stacking is Chao et
    /// al.'s; choosing its penalty by the share of rows is this package's own. The penalty it chose, on
    /// top of the model's own, is <see cref="CalibratedStacking.SeenClassPenalty(NetworkTransformer)"/>
    /// of the result. The result saves and loads like any model; the input model is left as it was.
    /// Measured on Fashion-MNIST with 3 unseen classes (docs/benchmarks/zero-shot.md): at the true
    /// share the harmonic mean was 30–38 % with 1–3.5 points of seed-to-seed spread, against 28–47 %
    /// (spread up to 15) for the class-split calibration; the best harmonic mean lies at a larger share.
    /// </summary>
    /// <param name="zeroShotModel">A generalised zero-shot model (attributes, attribute embedding or ConSE with Mode = Generalized).</param>
    /// <param name="unlabelledRows">Rows like those the model will score, as its input (features; for ConSE the classifier's scored rows); their labels are not read. They should hold unseen-class rows in about the expected share.</param>
    /// <param name="unseenShare">Expected share of unseen-class rows, in (0, 1). Default null: the unseen classes' share of the candidates (a uniform class prior).</param>
    /// <exception cref="ArgumentException">The model is not a generalised zero-shot model, the rows are empty or lack its input column, or the share is outside (0, 1).</exception>
    public NetworkTransformer CalibrateToUnseenShare(NetworkTransformer zeroShotModel, IDataView unlabelledRows, double? unseenShare = null) =>
        UnseenShareCalibration.Calibrate(zeroShotModel, unlabelledRows, unseenShare);

    /// <summary>
    /// Zero-shot metrics of a scored view: top-1 accuracy, hit@<paramref name="k"/>, per-class and
    /// mean per-class accuracy, and, given the seen classes (generalised zero-shot), the seen and
    /// unseen accuracies, their harmonic mean, and the seen–unseen curve with its area (AUSUC).
    /// </summary>
    /// <param name="scored">A zero-shot model's output (its Score slot names name the candidates).</param>
    /// <param name="trueClassColumnName">The true class: text, or a key with text key values.</param>
    /// <param name="scoreColumnName">The Score column. Default "Score".</param>
    /// <param name="k">k of hit@k. Default 2.</param>
    /// <param name="seenClasses">The training classes, for the generalised measures; null to skip them.</param>
    public ZeroShotMetrics EvaluateZeroShot(IDataView scored, string trueClassColumnName, string scoreColumnName = DefaultColumnNames.Score,
        int k = 2, IReadOnlyCollection<string>? seenClasses = null) =>
        ZeroShotEvaluator.Evaluate(scored, trueClassColumnName, scoreColumnName, k, seenClasses);
}
