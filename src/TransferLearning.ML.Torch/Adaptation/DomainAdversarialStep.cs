using TorchSharp;
using TransferLearning.ML.Torch.Inference;
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
/// <param name="Augmentation">Random image augmentation of the source batches (and of the target's with <paramref name="AugmentTarget"/>); null for none.</param>
/// <param name="Criterion">The label-free model-selection score.</param>
/// <param name="Seed">Seeds the choice of target batches.</param>
/// <param name="Conditioning">CDAN's multilinear discriminator input; null for DANN's features alone.</param>
/// <param name="EntropyWeighting">CDAN+E: weight rows in the domain loss by 1 + e^(−entropy).</param>
/// <param name="RampInformationMaximization">Raise the information-maximisation weight from 0 with the shape of the λ schedule.</param>
/// <param name="SelfTraining">FixMatch-style self-training on the target: its weak view and weight; null for none.</param>
/// <param name="AugmentTarget">Augment the target batches the adversary and information maximisation see; self-training's strong view is augmented either way.</param>
internal sealed record DomainAdversarialSettings(double MaximumLambda, double Gamma, double InformationMaximizationWeight,
    bool SeparateDomainBatches, ImageAugmentation? Augmentation, SelectionCriterion Criterion, int Seed,
    ConditionalDomainInput? Conditioning = null, bool EntropyWeighting = false, bool RampInformationMaximization = false,
    SelfTrainingSettings? SelfTraining = null, bool AugmentTarget = true);

/// <summary>
/// FixMatch-style consistency on target rows (Sohn et al., NeurIPS 2020): the prediction on a weakly
/// augmented view, where confident, is the pseudo-label for the strongly augmented view (the
/// step's own augmentation).
/// </summary>
/// <param name="WeakView">The weak augmentation (small shifts only).</param>
/// <param name="Weight">λ_u, the weight of the pseudo-label loss.</param>
/// <param name="Threshold">τ, the confidence a weak-view prediction needs to become a pseudo-label.</param>
internal sealed record SelfTrainingSettings(ImageAugmentation WeakView, double Weight, double Threshold);

/// <summary>
/// One step of domain-adversarial training (Ganin and Lempitsky, ICML 2015; Ganin et al., JMLR
/// 2016): a labelled source mini-batch and an unlabelled target mini-batch of the same size go
/// through the feature extractor; the label predictor learns from the source rows, and the domain
/// discriminator, behind a gradient reversal layer, learns to tell the domains apart while the
/// features learn to make that impossible. λ follows λ_p = Λ (2 / (1 + exp(−γ p)) − 1).
/// </summary>
internal sealed class DomainAdversarialStep : ITrainingStep
{
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
        ParameterGroups = [new ParameterGroup(Adversarial ? [.. network.parameters(), .. discriminator.parameters()] : [.. network.parameters()])];
    }

    /// <summary>Whether the discriminator takes part: with λ fixed at 0 it could not change the features, so it is not run at all.</summary>
    private bool Adversarial => _settings.MaximumLambda > 0;

    /// <summary>Whether target rows are needed in a step: for the discriminator, or for information maximisation on their predictions.</summary>
    private bool UsesTarget => Adversarial || _settings.InformationMaximizationWeight > 0 || _settings.SelfTraining is not null;

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
        var target = UsesTarget ? _targetFeatures.index_select(0, targetRows) : null;
        Tensor? pseudoLabels = null, confident = null;
        if (_settings.SelfTraining is SelfTrainingSettings selfTraining)
        {
            // Pseudo-labels from the weak view, before the target rows get the (strong) augmentation below.
            using var noGrad = torch.no_grad();
            var probabilities = nn.functional.softmax(_network.forward(selfTraining.WeakView.Apply(target!)), 1);
            var (best, labels) = probabilities.max(1);
            pseudoLabels = labels;
            confident = (best >= selfTraining.Threshold).to_type(ScalarType.Float32);
        }
        Tensor? strongView = null;
        if (_settings.Augmentation is ImageAugmentation augmentation)
        {
            source = augmentation.Apply(source);
            if (target is not null && _settings.AugmentTarget) target = augmentation.Apply(target);
            else if (target is not null && _settings.SelfTraining is not null) strongView = augmentation.Apply(target);
        }

        Tensor sourceFeatures;
        Tensor? targetFeatures = null;
        if (target is null) sourceFeatures = _network.Features(source);
        else if (_settings.SeparateDomainBatches)
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

        var sourceLogits = _network.Head(sourceFeatures);
        Tensor? targetLogits = null;
        Tensor TargetLogits() => targetLogits ??= _network.Head(targetFeatures!);
        var labelLoss = nn.functional.cross_entropy(sourceLogits, _sourceLabels.index_select(0, rows));
        var total = labelLoss;
        var parts = new List<(string, Tensor)> { ("label", labelLoss) };
        if (Adversarial)
        {
            double lambda = Lambda(progress);
            var domainInput = GradientReversal.Apply(torch.cat([sourceFeatures, targetFeatures!], 0), lambda);
            Tensor? weights = null;
            if (_settings.Conditioning is ConditionalDomainInput conditioning)
            {
                domainInput = conditioning.Apply(domainInput, torch.cat([sourceLogits, TargetLogits()], 0));
                // Each domain's weights sum to 1, so that both domains count equally, as in the paper's code.
                if (_settings.EntropyWeighting)
                    weights = torch.cat([ConditionalDomainInput.EntropyWeights(sourceLogits), ConditionalDomainInput.EntropyWeights(TargetLogits())]) / 2;
            }
            var domainLogits = _discriminator.forward(domainInput);
            var domainLabels = torch.cat([torch.zeros(n, device: domainLogits.device), torch.ones(n, device: domainLogits.device)]);
            var domainLoss = weights is null
                ? nn.functional.binary_cross_entropy_with_logits(domainLogits, domainLabels)
                : (nn.functional.binary_cross_entropy_with_logits(domainLogits, domainLabels, reduction: nn.Reduction.None) * weights).sum();
            var domainAccuracy = (domainLogits > 0).to_type(ScalarType.Float32).eq(domainLabels).to_type(ScalarType.Float32).mean();
            total = total + domainLoss;
            parts.AddRange([("domain", domainLoss), ("domain-accuracy", domainAccuracy), ("lambda", torch.tensor((float)lambda))]);
        }
        if (_settings.InformationMaximizationWeight > 0)
        {
            var information = InformationMaximization.Loss(TargetLogits());
            // Ramped, it waits like λ for the features to mean something before it sharpens target predictions.
            double ramp = _settings.RampInformationMaximization ? AdversarialSchedule.Lambda(progress, _settings.Gamma) : 1;
            double weight = _settings.InformationMaximizationWeight * ramp;
            total = total + information * weight;
            parts.AddRange([("information", information), ("information-weight", torch.tensor((float)weight))]);
        }
        if (_settings.SelfTraining is SelfTrainingSettings training)
        {
            // FixMatch's mean over the whole target batch: unconfident rows count as zeros, so the loss grows as confidence spreads.
            // With the target batch left unaugmented, the strong view is a batch of its own (through batch norm apart, as a target batch).
            var strongLogits = strongView is null ? TargetLogits() : _network.forward(strongView);
            var selfLoss = (nn.functional.cross_entropy(strongLogits, pseudoLabels!, reduction: nn.Reduction.None) * confident!).mean();
            total = total + selfLoss * training.Weight;
            parts.AddRange([("self-training", selfLoss), ("confident-share", confident!.mean())]);
        }
        return new StepLoss(total, parts);
    }

    /// <inheritdoc />
    public Evaluation Evaluate(Tensor rows)
    {
        var (loss, accuracy) = ClassificationStep.Measure(_network, _sourceFeatures, _sourceLabels, rows);
        if (_settings.Criterion != SelectionCriterion.SourceErrorPlusDomainDistance || _targetValidation.shape[0] == 0 || !Adversarial)
            return new Evaluation(loss, accuracy);
        double distance = DiscriminatorDistance(_sourceFeatures.index_select(0, rows));
        return new Evaluation(loss, accuracy, (1 - accuracy) + distance / 2);
    }

    /// <summary>2 (1 − 2 ε) for the discriminator's error ε on held-out source and target rows, clamped to [0, 2].</summary>
    private double DiscriminatorDistance(Tensor sourceRows)
    {
        double errors = 0;
        long total = 0;
        int chunkRows = RowBlocks.For(_network.InputLength);
        foreach (var (rows, label) in new[] { (sourceRows, 0f), (_targetValidation, 1f) })
        {
            for (long start = 0; start < rows.shape[0]; start += chunkRows)
            {
                using var scope = torch.NewDisposeScope();
                var chunk = rows.narrow(0, start, Math.Min(chunkRows, rows.shape[0] - start));
                var features = _network.Features(chunk);
                var input = _settings.Conditioning is ConditionalDomainInput conditioning ? conditioning.Apply(features, _network.Head(features)) : features;
                var predicted = (_discriminator.forward(input) > 0).to_type(ScalarType.Float32);
                errors += predicted.sub(label).abs().sum().item<float>();
                total += chunk.shape[0];
            }
        }
        return Math.Clamp(2 * (1 - 2 * errors / total), 0, 2);
    }
}
