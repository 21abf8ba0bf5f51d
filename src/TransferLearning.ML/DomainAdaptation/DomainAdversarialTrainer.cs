using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using TorchSharp;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Data;
using TransferLearning.ML.Training;
using TransferLearning.ML.Torch.Adaptation;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Training;
using static TorchSharp.torch;

namespace TransferLearning.ML.DomainAdaptation;

/// <summary>
/// Domain-adversarial training of neural networks, DANN (Ganin and Lempitsky, ICML 2015; Ganin et
/// al., JMLR 2016): labelled source rows and unlabelled target rows in one view (a Boolean domain
/// column marks the target; see <c>CombineDomains</c>); a feature extractor feeds the label
/// predictor and, through a gradient reversal layer, a domain discriminator, so that the features
/// become good for the labels and useless for telling the domains apart.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Column</term><description>Type</description></listheader>
/// <item><term>Features (input)</term><description>known-size vector of Single</description></item>
/// <item><term>Label (input)</term><description>key; read on source rows only (target rows may be missing)</description></item>
/// <item><term>IsTarget (input)</term><description>Boolean, true on target rows</description></item>
/// <item><term>Score, PredictedLabel (output)</term><description>as every classifier; optionally the learned features</description></item>
/// </list>
/// The fitted <see cref="NetworkTransformer"/>'s TrainingReport lists per epoch the
/// label loss, the domain loss and the discriminator's accuracy, and in its Metrics the proxy
/// A-distance between the domains before (raw features) and after (learned features) adaptation.
/// Epoch selection and early stopping never look at target labels (see <see cref="SelectionCriterion"/>).
/// </remarks>
public sealed class DomainAdversarialTrainer : IEstimator<NetworkTransformer>
{
    /// <summary>Metric name of the proxy A-distance between the domains' raw features.</summary>
    public const string ProxyADistanceBefore = "proxy-a-distance-inputs";

    /// <summary>Metric name of the proxy A-distance between the domains' learned features.</summary>
    public const string ProxyADistanceAfter = "proxy-a-distance-features";

    /// <summary>Metric name of the final accuracy on the source training rows.</summary>
    public const string SourceAccuracy = "source-training-accuracy";

    private readonly IHostEnvironment _env;
    private readonly DomainAdversarialOptions _options;

    /// <summary>Creates the trainer; the options are checked now.</summary>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    public DomainAdversarialTrainer(IHostEnvironment env, DomainAdversarialOptions options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _env = env;
        _options = options;
    }

    /// <summary>Trains on the combined source and target rows.</summary>
    /// <exception cref="ArgumentException">A column is missing or of the wrong type, or an option does not fit the network.</exception>
    /// <exception cref="InvalidDataException">No source or no target rows, a NaN feature, or a source row without a label.</exception>
    /// <exception cref="InvalidOperationException">Training collapsed (source accuracy near chance) and FailOnCollapse is set.</exception>
    public NetworkTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var features = ColumnChecks.FloatVector(input.Schema, _options.FeatureColumnName, "Feature");
        var label = ColumnChecks.KeyLabel(input.Schema, _options.LabelColumnName);
        var domain = ColumnChecks.Boolean(input.Schema, _options.DomainColumnName, "Domain");
        var (source, target) = LabeledRows.ReadDomains(input, features, label, domain);
        int classes = (int)((KeyDataViewType)label.Type).Count;
        var network = ClassifierTrainer.CreateNetwork(_options.Network, source.Length, classes, _options.Seed, nameof(DomainAdversarialOptions.Network));
        try
        {
            CheckNetworkFits(network);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        var data = new ClassifierData(source, classes, KeyValues.FromColumn(label));
        return ClassifierTrainer.Train(_env, "DomainAdversarial", _options, data, network, context => Train(context, target));
    }

    private void CheckNetworkFits(Network network)
    {
        if (_options.DomainSpecificBatchNorm && !BatchNormStatistics.HasBatchNorm(network))
            throw new ArgumentException(
                "Option DomainSpecificBatchNorm needs batch-norm blocks in the network (BatchNorm = true on a layer spec).", nameof(DomainAdversarialOptions.DomainSpecificBatchNorm));
        if (_options.Augmentation is not null && network.Spec.InputShape.Length != 3)
            throw new ArgumentException(
                $"Option Augmentation needs images: set the network's InputShape to [channels, height, width] (it is [{string.Join(", ", network.Spec.InputShape)}]).",
                nameof(DomainAdversarialOptions.Augmentation));
    }

    private TrainingReport Train(TrainingContext context, LabeledRows targetRows)
    {
        var network = context.Network;
        using var target = torch.tensor(targetRows.Features, [targetRows.Count, targetRows.Length], device: context.Device);
        var (targetTrain, targetValidation) = SplitTarget(target);
        torch.manual_seed(_options.Seed + 1);
        using var discriminator = new DomainDiscriminator(network.FeatureSize, _options.DiscriminatorHiddenUnits, _options.DiscriminatorDropout).to(context.Device);
        var shape = network.Spec.InputShape;
        var augmentation = _options.Augmentation is AugmentationSettings a ? new ImageAugmentation(shape[0], shape[1], shape[2], a) : null;
        var settings = new DomainAdversarialSettings(_options.MaximumLambda, _options.LambdaGamma, _options.InformationMaximizationWeight,
            _options.DomainSpecificBatchNorm, augmentation, _options.SelectionCriterion, _options.Seed);

        double before = ProxyADistance.Compute(context.Features, target, _options.Seed);
        TrainingReport report;
        using (targetTrain)
        using (targetValidation)
            report = context.Run(new DomainAdversarialStep(network, discriminator, context.Features, context.Labels, targetTrain, targetValidation, settings), _options);

        double sourceAccuracy = Accuracy(network, context.Features, context.Labels);
        double chance = 1.0 / network.OutputSize;
        if (_options.FailOnCollapse && sourceAccuracy < chance + 0.1 * (1 - chance))
            throw new InvalidOperationException(
                $"Domain-adversarial training collapsed: accuracy on the source training rows is {sourceAccuracy:P1}, near chance ({chance:P1}). " +
                "Lower MaximumLambda or LearningRate, add DiscriminatorDropout, or use DomainAdversarialOptions.ForImages for images.");
        if (_options.DomainSpecificBatchNorm) BatchNormStatistics.Recompute(network, target);
        double after;
        using (var noGrad = torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            network.eval();
            after = ProxyADistance.Compute(Chunked.Map(context.Features, network.Features), Chunked.Map(target, network.Features), _options.Seed);
        }
        return report with
        {
            Metrics = new Dictionary<string, double> { [ProxyADistanceBefore] = before, [ProxyADistanceAfter] = after, [SourceAccuracy] = sourceAccuracy },
        };
    }

    /// <summary>Holds out ValidationFraction of the target rows for the label-free selection score.</summary>
    private (Tensor Train, Tensor Validation) SplitTarget(Tensor target)
    {
        long rows = target.shape[0];
        long held = _options.SelectionCriterion == SelectionCriterion.SourceErrorPlusDomainDistance ? (long)Math.Round(rows * _options.ValidationFraction) : 0;
        if (held >= rows) held = rows - 1;
        var order = Enumerable.Range(0, (int)rows).Select(i => (long)i).ToArray();
        new Random(_options.Seed).Shuffle(order);
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

    /// <summary>The input schema plus Score and PredictedLabel (and the learned features when asked for).</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ColumnChecks.Boolean(inputSchema, _options.DomainColumnName, "Domain");
        return ClassifierTrainer.OutputShape(inputSchema, _options);
    }
}
