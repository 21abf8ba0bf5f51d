using TorchSharp;
using TransferLearning.ML.Torch.Losses;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Torch.Training.Sampling;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Adaptation;

/// <summary>Settings of <see cref="DomainAdversarialStep"/>.</summary>
/// <param name="MaximumLambda">The value λ_p rises to (the paper: 1).</param>
/// <param name="Gamma">Steepness γ of the λ_p schedule (the paper: 10).</param>
/// <param name="InformationMaximizationWeight">Weight of information maximisation on target predictions; 0 for none.</param>
/// <param name="SeparateDomainBatches">Run source and target batches through the network apart, so that batch norm sees one domain at a time (AdaBN).</param>
/// <param name="Augmentation">Random image augmentation of both domains' batches; null for none.</param>
/// <param name="Criterion">The label-free model-selection score.</param>
/// <param name="Seed">Seeds the choice of target batches.</param>
internal sealed record DomainAdversarialSettings(double MaximumLambda, double Gamma, double InformationMaximizationWeight,
    bool SeparateDomainBatches, ImageAugmentation? Augmentation, SelectionCriterion Criterion, int Seed);

/// <summary>
/// One step of domain-adversarial training (Ganin and Lempitsky, ICML 2015; Ganin et al., JMLR
/// 2016): a labelled source mini-batch and an unlabelled target mini-batch of the same size go
/// through the feature extractor; the label predictor learns from the source rows, and the domain
/// discriminator, behind a gradient reversal layer, learns to tell the domains apart while the
/// features learn to make that impossible. λ follows λ_p = Λ (2 / (1 + exp(−γ p)) − 1).
/// </summary>
internal sealed class DomainAdversarialStep : ITrainingStep
{
    private const int EvaluationChunk = 1024;
    private readonly Network _network;
    private readonly DomainDiscriminator _discriminator;
    private readonly Tensor _sourceFeatures, _sourceLabels, _targetFeatures, _targetValidation;
    private readonly DomainAdversarialSettings _settings;
    private readonly nn.Module _model;

    /// <summary>Creates the step; every tensor lives on the training device.</summary>
    /// <param name="network">Feature extractor (the blocks) and label predictor (the head).</param>
    /// <param name="discriminator">The domain classifier on the features.</param>
    /// <param name="sourceFeatures">Source rows, [ns, d].</param>
    /// <param name="sourceLabels">Source class indices, [ns].</param>
    /// <param name="targetFeatures">Target rows to train on, [nt, d].</param>
    /// <param name="targetValidation">Held-out target rows for the selection score, [nv, d] (nv may be 0).</param>
    /// <param name="settings">λ schedule and options.</param>
    public DomainAdversarialStep(Network network, DomainDiscriminator discriminator, Tensor sourceFeatures, Tensor sourceLabels,
        Tensor targetFeatures, Tensor targetValidation, DomainAdversarialSettings settings)
    {
        if (targetFeatures.shape[0] < 1) throw new ArgumentException("Domain-adversarial training needs target rows.", nameof(targetFeatures));
        _network = network;
        _discriminator = discriminator;
        _sourceFeatures = sourceFeatures;
        _sourceLabels = sourceLabels;
        _targetFeatures = targetFeatures;
        _targetValidation = targetValidation;
        _settings = settings;
        // Everything training changes, so that early stopping snapshots the discriminator too.
        _model = nn.ModuleDict(("network", network), ("discriminator", discriminator));
        ParameterGroups = [new ParameterGroup([.. network.parameters(), .. discriminator.parameters()])];
    }

    /// <inheritdoc />
    public nn.Module Model => _model;

    /// <inheritdoc />
    public IReadOnlyList<ParameterGroup> ParameterGroups { get; }

    /// <summary>λ at training progress <paramref name="progress"/>.</summary>
    public double Lambda(double progress) => AdversarialSchedule.Lambda(progress, _settings.Gamma, _settings.MaximumLambda);

    /// <inheritdoc />
    public StepLoss Loss(Batch batch, double progress)
    {
        var rows = batch.Rows;
        var targetRows = batch.Second ?? throw new ArgumentException("Domain-adversarial steps need a TwoDomainSampler's batches.", nameof(batch));
        long n = rows.shape[0];
        var source = _sourceFeatures.index_select(0, rows);
        var target = _targetFeatures.index_select(0, targetRows);
        if (_settings.Augmentation is ImageAugmentation augmentation)
        {
            source = augmentation.Apply(source);
            target = augmentation.Apply(target);
        }

        Tensor sourceFeatures, targetFeatures;
        if (_settings.SeparateDomainBatches)
        {
            sourceFeatures = _network.Features(source);
            targetFeatures = _network.Features(target);
        }
        else
        {
            var both = _network.Features(torch.cat([source, target], 0));
            sourceFeatures = both.narrow(0, 0, n);
            targetFeatures = both.narrow(0, n, n);
        }

        var labelLoss = nn.functional.cross_entropy(_network.Head(sourceFeatures), _sourceLabels.index_select(0, rows));
        double lambda = Lambda(progress);
        var domainLogits = _discriminator.forward(GradientReversal.Apply(torch.cat([sourceFeatures, targetFeatures], 0), lambda));
        var domainLabels = torch.cat([torch.zeros(n, device: domainLogits.device), torch.ones(n, device: domainLogits.device)]);
        var domainLoss = nn.functional.binary_cross_entropy_with_logits(domainLogits, domainLabels);
        var domainAccuracy = (domainLogits > 0).to_type(ScalarType.Float32).eq(domainLabels).to_type(ScalarType.Float32).mean();

        var total = labelLoss + domainLoss;
        var parts = new List<(string, Tensor)>
        {
            ("label", labelLoss), ("domain", domainLoss), ("domain-accuracy", domainAccuracy), ("lambda", torch.tensor((float)lambda)),
        };
        if (_settings.InformationMaximizationWeight > 0)
        {
            var information = InformationMaximization.Loss(_network.Head(targetFeatures));
            total = total + information * _settings.InformationMaximizationWeight;
            parts.Add(("information", information));
        }
        return new StepLoss(total, parts);
    }

    /// <inheritdoc />
    public Evaluation Evaluate(Tensor rows)
    {
        var (loss, accuracy) = ClassificationStep.Measure(_network, _sourceFeatures, _sourceLabels, rows);
        if (_settings.Criterion != SelectionCriterion.SourceErrorPlusDomainDistance || _targetValidation.shape[0] == 0)
            return new Evaluation(loss, accuracy);
        double distance = DiscriminatorDistance(_sourceFeatures.index_select(0, rows));
        return new Evaluation(loss, accuracy, (1 - accuracy) + distance / 2);
    }

    /// <summary>2 (1 − 2 ε) for the discriminator's error ε on held-out source and target rows, clamped to [0, 2].</summary>
    private double DiscriminatorDistance(Tensor sourceRows)
    {
        double errors = 0;
        long total = 0;
        foreach (var (rows, label) in new[] { (sourceRows, 0f), (_targetValidation, 1f) })
        {
            for (long start = 0; start < rows.shape[0]; start += EvaluationChunk)
            {
                using var scope = torch.NewDisposeScope();
                var chunk = rows.narrow(0, start, Math.Min(EvaluationChunk, rows.shape[0] - start));
                var predicted = (_discriminator.forward(_network.Features(chunk)) > 0).to_type(ScalarType.Float32);
                errors += predicted.sub(label).abs().sum().item<float>();
                total += chunk.shape[0];
            }
        }
        return Math.Clamp(2 * (1 - 2 * errors / total), 0, 2);
    }
}
