using TorchSharp;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Torch.Training.Sampling;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Adaptation;

/// <summary>
/// Domain-adversarial training as a whole (Ganin and Lempitsky 2015): the discriminator, the
/// two-domain batches, the step, and the work around the loop — the proxy A-distance before and
/// after, the collapse check, and AdaBN's re-estimation of batch-norm statistics on the target.
/// </summary>
internal sealed class DomainAdversarialRecipe(IDomainAdversarialSettings settings, float[] targetRows, int targetCount)
{
    /// <summary>Metric name of the proxy A-distance between the domains' raw features.</summary>
    public const string ProxyADistanceBefore = "proxy-a-distance-inputs";

    /// <summary>Metric name of the proxy A-distance between the domains' learned features.</summary>
    public const string ProxyADistanceAfter = "proxy-a-distance-features";

    /// <summary>Metric name of the final accuracy on the source training rows.</summary>
    public const string SourceAccuracy = "source-training-accuracy";

    /// <summary>Metric name of the effective number of classes the model predicts on the target rows, exp(entropy of the predicted-class shares).</summary>
    public const string TargetPredictedClasses = "target-predicted-classes";

    /// <summary>Metric name of the reverse-validation accuracy (only with ReverseValidation).</summary>
    public const string ReverseValidationAccuracy = "reverse-validation-accuracy";

    /// <summary>Metric name of the effective number of classes among the source labels, the same measure.</summary>
    public const string SourceLabelClasses = "source-label-classes";

    /// <summary>Checks that the network can do what the settings ask (batch norm for AdaBN, an image shape for augmentation).</summary>
    /// <exception cref="ArgumentException">It cannot; the message names the option.</exception>
    public void CheckNetwork(Network network)
    {
        if (settings.DomainSpecificBatchNorm && !BatchNormStatistics.HasBatchNorm(network))
            throw new ArgumentException(
                "Option DomainSpecificBatchNorm needs batch-norm blocks in the network (BatchNorm = true on a layer spec).", nameof(settings.DomainSpecificBatchNorm));
        if (settings.Augmentation is not null && network.Spec.InputShape.Length != 3)
            throw new ArgumentException(
                $"Option Augmentation needs images: set the network's InputShape to [channels, height, width] (it is [{string.Join(", ", network.Spec.InputShape)}]).",
                nameof(settings.Augmentation));
        if (settings.SelfTrainingWeight > 0 && settings.Augmentation is null)
            throw new ArgumentException(
                "Option SelfTrainingWeight needs Augmentation (its strong view of the target rows) and so an image network; DomainAdversarialOptions.ForImages sets both.",
                nameof(settings.SelfTrainingWeight));
    }

    /// <summary>Trains the context's network on its (source) rows and the target rows, with the run's <paramref name="options"/>.</summary>
    /// <exception cref="InvalidOperationException">Training collapsed (source accuracy near chance) and FailOnCollapse is set.</exception>
    public TrainingReport Train(TrainingContext context, TrainingOptions options)
    {
        var network = context.Network;
        using var target = torch.tensor(targetRows, [targetCount, network.InputLength], device: context.Device);
        var (targetTrain, targetValidation) = SplitTarget(target);
        torch.manual_seed(settings.Seed + 1);
        using var conditioning = settings.Conditioning == AdversarialConditioning.None ? null : new ConditionalDomainInput(network.FeatureSize, network.OutputSize, context.Device);
        using var discriminator = new DomainDiscriminator(conditioning?.Size ?? network.FeatureSize, settings.DiscriminatorHiddenUnits, settings.DiscriminatorDropout).to(context.Device);
        var shape = network.Spec.InputShape;
        var augmentation = settings.Augmentation is AugmentationSettings a ? new ImageAugmentation(shape[0], shape[1], shape[2], a) : null;
        var stepSettings = new DomainAdversarialSettings(settings.MaximumLambda, settings.LambdaGamma, settings.InformationMaximizationWeight,
            settings.DomainSpecificBatchNorm, augmentation, settings.SelectionCriterion, settings.Seed,
            conditioning, settings.Conditioning == AdversarialConditioning.MultilinearEntropy, settings.RampInformationMaximization,
            settings.SelfTrainingWeight > 0 && augmentation is not null
                ? new SelfTrainingSettings(new ImageAugmentation(shape[0], shape[1], shape[2], WeakView), settings.SelfTrainingWeight, settings.SelfTrainingThreshold)
                : null,
            settings.AugmentTargetBatches);

        double before = ProxyADistance.Compute(context.Features, target, settings.Seed);
        TrainingReport report;
        using (targetTrain)
        using (targetValidation)
        {
            int targetTrainRows = (int)targetTrain.shape[0];
            report = context.Run(new DomainAdversarialStep(network, discriminator, context.Features, context.Labels, targetTrain, targetValidation, stepSettings),
                options, (rows, o, device) => new TwoDomainSampler(rows, o.BatchSize, targetTrainRows, settings.Seed, device));
        }

        double sourceAccuracy = Accuracy(network, context.Features, context.Labels);
        double chance = 1.0 / network.OutputSize;
        if (settings.FailOnCollapse && sourceAccuracy < chance + 0.1 * (1 - chance))
            throw new InvalidOperationException(
                $"Domain-adversarial training collapsed: accuracy on the source training rows is {sourceAccuracy:P1}, near chance ({chance:P1}). " +
                "Lower MaximumLambda or LearningRate, add DiscriminatorDropout, or use DomainAdversarialOptions.ForImages for images.");
        if (settings.DomainSpecificBatchNorm) BatchNormStatistics.Recompute(network, target);
        double after, targetClasses, sourceClasses;
        Tensor? targetPredictions = null;
        using (var noGrad = torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            network.eval();
            var targetFeatures = Chunked.Map(target, network.Features);
            after = ProxyADistance.Compute(Chunked.Map(context.Features, network.Features), targetFeatures, settings.Seed);
            var predictions = network.Head(targetFeatures).argmax(1);
            targetClasses = EffectiveClasses(predictions, network.OutputSize);
            sourceClasses = EffectiveClasses(context.Labels, network.OutputSize);
            if (settings.ReverseValidation) targetPredictions = predictions.DetachFromDisposeScope();
        }
        var metrics = new Dictionary<string, double>
        {
            [ProxyADistanceBefore] = before, [ProxyADistanceAfter] = after, [SourceAccuracy] = sourceAccuracy,
            [TargetPredictedClasses] = targetClasses, [SourceLabelClasses] = sourceClasses,
        };
        var warnings = new List<string>();
        // Label-free sign of negative transfer: adaptation can buy source-like features by sending most target rows to a few
        // classes (information maximisation and the adversary both allow it), which no source-side check sees.
        if (targetClasses < 0.5 * sourceClasses)
            warnings.Add($"Target predictions collapsed onto few classes: {targetClasses:F1} effective classes of {network.OutputSize} " +
                $"(the source labels have {sourceClasses:F1}). Adaptation may have hurt: compare with a source-only model " +
                "(MaximumLambda = 0 and InformationMaximizationWeight = 0, the rest unchanged; CompareWithSourceOnly, tlml adapt --compare-source-only) before trusting this one.");
        if (targetPredictions is not null)
        {
            using (targetPredictions)
                metrics[ReverseValidationAccuracy] = ReverseValidation(context, options, target, targetPredictions);
            if (metrics[ReverseValidationAccuracy] < chance + 0.1 * (1 - chance))
                warnings.Add($"Reverse validation accuracy is {metrics[ReverseValidationAccuracy]:P1}, near chance ({chance:P1}): a network trained on the target rows " +
                    "with this model's predictions as labels cannot classify the source rows, so those predictions are unlikely to be right.");
        }
        return report with { Metrics = metrics, Warnings = warnings };
    }

    /// <summary>
    /// Reverse validation (Zhong et al. 2010): a fresh network of the same spec, trained with the
    /// run's options on the target rows labelled by <paramref name="targetPredictions"/>, scored on
    /// the source rows' true labels (with AdaBN, after re-estimating its batch norm on them). It gets as
    /// many optimizer steps as the forward run: with the same epochs, a small target would leave it
    /// under-trained and its score would measure the target's size rather than the labels' quality.
    /// </summary>
    private double ReverseValidation(TrainingContext context, TrainingOptions options, Tensor target, Tensor targetPredictions)
    {
        var network = context.Network;
        torch.manual_seed(settings.Seed + 2);
        using var reverse = new Network(network.ModelSpec, network.InputLength);
        reverse.to(context.Device);
        int targetRows = (int)target.shape[0];
        int epochs = Math.Max(1, (int)Math.Round(options.Epochs * (double)context.Features.shape[0] / targetRows));
        context.Run(new ClassificationStep(reverse, target, targetPredictions), options.WithPhase(epochs, options.LearningRate), rowCount: targetRows);
        if (settings.DomainSpecificBatchNorm) BatchNormStatistics.Recompute(reverse, context.Features);
        return Accuracy(reverse, context.Features, context.Labels);
    }

    /// <summary>exp of the entropy of the class shares of <paramref name="classes"/> (class indices): k when k classes are equally common, 1 when one class takes all.</summary>
    private static double EffectiveClasses(Tensor classes, int count)
    {
        var shares = torch.bincount(classes, minlength: count).to_type(ScalarType.Float64) / classes.shape[0];
        var nonZero = shares[shares > 0];
        return Math.Exp(-(nonZero * nonZero.log()).sum().item<double>());
    }

    /// <summary>FixMatch's weak augmentation for images without flips (digits): shifts of up to 1/8 of the side, nothing else.</summary>
    private static readonly AugmentationSettings WeakView = new(RotationDegrees: 0, Scale: 0, Translation: 0.125, BlurProbability: 0,
        PolarityProbability: 0, Contrast: 0, Brightness: 0);

    /// <summary>Holds out ValidationFraction of the target rows for the label-free selection score.</summary>
    private (Tensor Train, Tensor Validation) SplitTarget(Tensor target)
    {
        long rows = target.shape[0];
        long held = settings.SelectionCriterion == SelectionCriterion.SourceErrorPlusDomainDistance ? (long)Math.Round(rows * settings.ValidationFraction) : 0;
        if (held >= rows) held = rows - 1;
        var order = Enumerable.Range(0, (int)rows).Select(i => (long)i).ToArray();
        new Random(settings.Seed).Shuffle(order);
        using var index = torch.tensor(order, device: target.device);
        return (target.index_select(0, index.narrow(0, held, rows - held)), target.index_select(0, index.narrow(0, 0, held)));
    }

    private static double Accuracy(Network network, Tensor features, Tensor labels)
    {
        network.eval();
        using var noGrad = torch.no_grad();
        using var all = torch.arange(features.shape[0], dtype: ScalarType.Int64, device: features.device);
        return ClassificationStep.Measure(network, features, labels, all).Accuracy;
    }
}
