using Microsoft.ML;
using TransferLearning.ML.Classification;
using TransferLearning.ML.DomainAdaptation;
using TransferLearning.ML.FineTuning;
using TransferLearning.ML.ZeroShot;
using TransferLearning.ML.Serialization;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Torch.Transfer;

namespace TransferLearning.ML;

/// <summary>The entry points: <c>mlContext.TransferLearning()</c> and <c>mlContext.RegisterTransferLearning()</c>.</summary>
public static class MLContextExtensions
{
    /// <summary>
    /// The catalog of transfer-learning estimators. Also registers this package's model loaders on
    /// <paramref name="mlContext"/>, as <see cref="RegisterTransferLearning"/> does.
    /// </summary>
    public static TransferLearningCatalog TransferLearning(this MLContext mlContext)
    {
        RegisterTransferLearning(mlContext);
        return new TransferLearningCatalog(mlContext);
    }

    /// <summary>
    /// Lets <paramref name="mlContext"/>'s <c>Model.Load</c> read models that hold this package's
    /// transformers. ML.NET finds third-party loaders only when they are registered on the
    /// context, so call this once per MLContext before loading (idempotent, cheap).
    /// </summary>
    /// <returns>The same context, for chaining.</returns>
    public static MLContext RegisterTransferLearning(this MLContext mlContext)
    {
        ArgumentNullException.ThrowIfNull(mlContext);
        ModelRegistration.Register(mlContext.ComponentCatalog);
        return mlContext;
    }
}

/// <summary>
/// Transfer-learning estimators for ML.NET pipelines. Each method has a flat overload with the
/// common settings and an overload taking its options class.
/// </summary>
public sealed class TransferLearningCatalog
{
    internal TransferLearningCatalog(MLContext mlContext) => Context = mlContext;

    internal MLContext Context { get; }

    /// <summary>
    /// A neural network classifier trained with TorchSharp: the blocks of <paramref name="network"/>
    /// plus a linear head, trained with softmax cross-entropy and Adam.
    /// </summary>
    /// <param name="labelColumnName">Key label column. Default "Label".</param>
    /// <param name="featureColumnName">Float vector feature column. Default "Features".</param>
    /// <param name="network">The blocks; default <c>NetworkSpec.Mlp(128)</c>.</param>
    /// <param name="epochs">Passes over the data. Default 10.</param>
    /// <param name="batchSize">Rows per step. Default 64.</param>
    /// <param name="learningRate">Adam's learning rate. Default 0.001.</param>
    /// <param name="seed">Seeds initialisation and shuffling. Default 0.</param>
    public NetworkClassifierEstimator NetworkClassifier(
        string labelColumnName = DefaultColumnNames.Label,
        string featureColumnName = DefaultColumnNames.Features,
        NetworkSpec? network = null,
        int epochs = TrainingDefaults.Epochs,
        int batchSize = TrainingDefaults.BatchSize,
        double learningRate = TrainingDefaults.LearningRate,
        int seed = TrainingDefaults.Seed)
    {
        var options = new NetworkClassifierOptions
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            Epochs = epochs,
            BatchSize = batchSize,
            LearningRate = learningRate,
            Seed = seed,
        };
        if (network is not null) options.Network = network;
        return new NetworkClassifierEstimator(Context, options);
    }

    /// <summary>A neural network classifier with every setting of <see cref="NetworkClassifierOptions"/>.</summary>
    public NetworkClassifierEstimator NetworkClassifier(NetworkClassifierOptions options) => new(Context, options);

    /// <summary>
    /// Layer transfer (Yosinski et al. 2014): copies the first (or last) <paramref name="copiedLayers"/>
    /// blocks of the source network with their weights, adds a new head for the target's classes,
    /// and trains on the target with the copied blocks frozen or not.
    /// </summary>
    /// <param name="source">A fitted network classifier of this package, or a model holding one (e.g. from Model.Load).</param>
    /// <param name="labelColumnName">Key label column. Default "Label".</param>
    /// <param name="featureColumnName">Float vector feature column. Default "Features".</param>
    /// <param name="copiedLayers">Blocks to copy; null (the default) copies every block.</param>
    /// <param name="freezeCopiedLayers">Keep the copied blocks fixed. Default true.</param>
    /// <param name="copyFrom">Copy from the input side (First, the default) or the head side (Last).</param>
    /// <param name="epochs">Passes over the target rows. Default 10.</param>
    /// <param name="learningRate">Adam's learning rate. Default 0.001.</param>
    /// <param name="seed">Seeds the new blocks, the head and shuffling. Default 0.</param>
    public LayerTransferEstimator LayerTransfer(
        ITransformer source,
        string labelColumnName = DefaultColumnNames.Label,
        string featureColumnName = DefaultColumnNames.Features,
        int? copiedLayers = null,
        bool freezeCopiedLayers = true,
        CopyDirection copyFrom = CopyDirection.First,
        int epochs = TrainingDefaults.Epochs,
        double learningRate = TrainingDefaults.LearningRate,
        int seed = TrainingDefaults.Seed) => new(Context, source, new LayerTransferOptions
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            CopiedLayers = copiedLayers,
            FreezeCopiedLayers = freezeCopiedLayers,
            CopyFrom = copyFrom,
            Epochs = epochs,
            LearningRate = learningRate,
            Seed = seed,
        });

    /// <summary>Layer transfer with every setting of <see cref="LayerTransferOptions"/>, conservative training included.</summary>
    public LayerTransferEstimator LayerTransfer(ITransformer source, LayerTransferOptions options) => new(Context, source, options);

    /// <summary>
    /// Fine-tuning: every block of the source network copied, a new head for the target's classes,
    /// and the whole network trained on the target (layer transfer with nothing frozen).
    /// </summary>
    /// <param name="source">A fitted network classifier of this package, or a model holding one.</param>
    /// <param name="labelColumnName">Key label column. Default "Label".</param>
    /// <param name="featureColumnName">Float vector feature column. Default "Features".</param>
    /// <param name="epochs">Passes over the target rows. Default 10.</param>
    /// <param name="learningRate">Adam's learning rate. Default 0.001.</param>
    /// <param name="seed">Seeds the head and shuffling. Default 0.</param>
    public LayerTransferEstimator FineTune(
        ITransformer source,
        string labelColumnName = DefaultColumnNames.Label,
        string featureColumnName = DefaultColumnNames.Features,
        int epochs = TrainingDefaults.Epochs,
        double learningRate = TrainingDefaults.LearningRate,
        int seed = TrainingDefaults.Seed) =>
        LayerTransfer(source, labelColumnName, featureColumnName, copiedLayers: null, freezeCopiedLayers: false, CopyDirection.First, epochs, learningRate, seed);

    /// <summary>
    /// The layer-transferability sweep of Yosinski et al. 2014 (Fig. 2): for N = 0..L copied blocks,
    /// frozen and fine-tuned, trains on <paramref name="train"/> and measures accuracy and log-loss on
    /// <paramref name="validation"/>, for each seed.
    /// </summary>
    /// <param name="source">The source model.</param>
    /// <param name="train">Target training rows (features and key label, as the options name them).</param>
    /// <param name="validation">Target rows to measure on.</param>
    /// <param name="options">Training settings for every run; CopiedLayers, FreezeCopiedLayers and Seed are set by the sweep. Default: the defaults of <see cref="LayerTransferOptions"/>.</param>
    /// <param name="seeds">One run per seed; default just seed 0.</param>
    /// <returns>The table; write its plot with TransferLearning.ML.Plotting's TransferabilityPlot.</returns>
    public TransferabilityTable TransferabilitySweep(ITransformer source, IDataView train, IDataView validation,
        LayerTransferOptions? options = null, IReadOnlyList<int>? seeds = null) =>
        FineTuning.TransferabilitySweep.Run(Context, source, train, validation, options ?? new LayerTransferOptions(), seeds ?? [TrainingDefaults.Seed]);

    /// <summary>
    /// The source rows followed by the target rows in one view, with a Boolean column
    /// <paramref name="domainColumnName"/> that is true on target rows: the input of the
    /// domain-adaptation methods. The target's columns must match the source's by name and type; a
    /// source column the target lacks (such as the label) reads as missing on target rows. The
    /// target's extra columns are dropped.
    /// </summary>
    /// <exception cref="ArgumentException">A column's type differs between the two, or a missing column has no missing value.</exception>
    public IDataView CombineDomains(IDataView source, IDataView target, string domainColumnName = DomainDefaults.DomainColumnName) =>
        new DomainUnionDataView(source, target, domainColumnName);

    /// <summary>
    /// Domain-adversarial training (DANN; Ganin and Lempitsky 2015) with the paper's defaults: SGD
    /// with momentum, annealed learning rate, λ rising from 0 to 1, a gradient reversal layer before
    /// the domain discriminator.
    /// </summary>
    /// <param name="labelColumnName">Key label column, read on source rows. Default "Label".</param>
    /// <param name="featureColumnName">Float vector feature column. Default "Features".</param>
    /// <param name="domainColumnName">Boolean column, true on target rows. Default "IsTarget".</param>
    /// <param name="network">The feature extractor's blocks; default <c>NetworkSpec.Mlp(128)</c>.</param>
    /// <param name="epochs">Passes over the source rows. Default 10.</param>
    /// <param name="seed">Seeds everything random. Default 0.</param>
    public DomainAdversarialTrainer DomainAdversarial(
        string labelColumnName = DefaultColumnNames.Label,
        string featureColumnName = DefaultColumnNames.Features,
        string domainColumnName = DomainDefaults.DomainColumnName,
        NetworkSpec? network = null,
        int epochs = TrainingDefaults.Epochs,
        int seed = TrainingDefaults.Seed)
    {
        var options = new DomainAdversarialOptions
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            DomainColumnName = domainColumnName,
            Epochs = epochs,
            Seed = seed,
        };
        if (network is not null) options.Network = network;
        return new DomainAdversarialTrainer(Context, options);
    }

    /// <summary>Domain-adversarial training with every setting of <see cref="DomainAdversarialOptions"/>.</summary>
    public DomainAdversarialTrainer DomainAdversarial(DomainAdversarialOptions options) => new(Context, options);

    /// <summary>
    /// Transfer Component Analysis (Pan et al. 2011): projects the features onto
    /// <paramref name="components"/> kernel components that shrink the maximum mean discrepancy
    /// between source and target rows. Follow it with any ML.NET trainer.
    /// </summary>
    /// <param name="outputColumnName">The components column. Default "TransferComponents".</param>
    /// <param name="featureColumnName">Float vector feature column. Default "Features".</param>
    /// <param name="domainColumnName">Boolean column, true on target rows. Default "IsTarget".</param>
    /// <param name="components">m. Default 30.</param>
    /// <param name="mu">μ. Default 1.</param>
    /// <param name="kernel">Linear (default) or Rbf (median-heuristic width).</param>
    public TransferComponentsEstimator TransferComponents(
        string outputColumnName = "TransferComponents",
        string featureColumnName = DefaultColumnNames.Features,
        string domainColumnName = DomainDefaults.DomainColumnName,
        int components = 30,
        double mu = 1.0,
        Torch.Adaptation.TcaKernel kernel = Torch.Adaptation.TcaKernel.Linear) => new(new TransferComponentsOptions
        {
            OutputColumnName = outputColumnName,
            FeatureColumnName = featureColumnName,
            DomainColumnName = domainColumnName,
            Components = components,
            Mu = mu,
            Kernel = kernel,
        });

    /// <summary>Transfer Component Analysis with every setting of <see cref="TransferComponentsOptions"/>.</summary>
    public TransferComponentsEstimator TransferComponents(TransferComponentsOptions options) => new(options);

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
    public ZeroShotAttributeEstimator ZeroShotAttributes(ClassDescriptions classDescriptions, string labelColumnName = DefaultColumnNames.Label,
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
    public ZeroShotAttributeEstimator ZeroShotAttributes(ZeroShotAttributeOptions options) => new(Context, options);

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
    public AttributeEmbeddingEstimator AttributeEmbedding(ClassDescriptions classDescriptions, string labelColumnName = DefaultColumnNames.Label,
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
    public AttributeEmbeddingEstimator AttributeEmbedding(AttributeEmbeddingOptions options) => new(Context, options);

    /// <summary>
    /// ConSE (Norouzi et al. 2013): turns the Score column of any fitted multiclass model over seen
    /// classes into a zero-shot prediction among candidate classes, by the convex combination of the
    /// top <paramref name="topCount"/> seen classes' embeddings. No training.
    /// </summary>
    /// <param name="classEmbeddings">Class name → semantic embedding, for seen and candidate classes.</param>
    /// <param name="topCount">T. Default 10.</param>
    /// <param name="mode">Unseen (default) or generalised zero-shot.</param>
    /// <param name="inputScoreColumnName">The seen-class Score column. Default "Score".</param>
    public ConSEEstimator ConSE(ClassDescriptions classEmbeddings, int topCount = 10, ZeroShotMode mode = ZeroShotMode.Unseen,
        string inputScoreColumnName = DefaultColumnNames.Score) => new(new ConSEOptions
        {
            ClassDescriptions = classEmbeddings,
            TopCount = topCount,
            Mode = mode,
            InputScoreColumnName = inputScoreColumnName,
        });

    /// <summary>ConSE with every setting of <see cref="ConSEOptions"/>.</summary>
    public ConSEEstimator ConSE(ConSEOptions options) => new(options);

    /// <summary>
    /// Zero-shot metrics of a scored view: top-1 accuracy, hit@<paramref name="k"/>, per-class and
    /// mean per-class accuracy, and, given the seen classes (generalised zero-shot), the seen and
    /// unseen accuracies and their harmonic mean.
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
