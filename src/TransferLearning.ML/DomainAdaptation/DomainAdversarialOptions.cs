using TransferLearning.ML.Classification;
using TransferLearning.ML.Torch.Adaptation;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.DomainAdaptation;

/// <summary>
/// Options of <see cref="DomainAdversarialTrainer"/>. The defaults are Ganin and Lempitsky's
/// (2015): SGD with momentum 0.9, learning rate 0.01 annealed as 0.01 / (1 + 10 p)^0.75, λ rising
/// as 2 / (1 + exp(−10 p)) − 1 to 1, batches of 64 source + 64 target rows. The extras that made
/// the difference on small digit sets here (augmentation, information maximisation, AdaBN,
/// per-image standardisation, a capped λ) are off by default; <see cref="ForImages"/> turns them on.
/// </summary>
public sealed class DomainAdversarialOptions : ClassifierOptions, IDomainAdversarialSettings
{
    /// <summary>Creates the options with the paper's training settings.</summary>
    public DomainAdversarialOptions()
    {
        Optimizer = OptimizerKind.Sgd;
        LearningRate = 0.01;
        Momentum = 0.9;
        LearningRateSchedule = LearningRateSchedule.InverseDecay;
        BatchSize = 64;
    }

    /// <summary>
    /// The feature extractor's blocks; the label predictor is the linear head on them. Default
    /// <c>NetworkSpec.Mlp(128)</c>; use <see cref="NetworkSpec.LeNet"/> for images.
    /// </summary>
    public NetworkSpec Network { get; set; } = NetworkSpec.Mlp(128);

    /// <summary>Input: the Boolean column that is true on target rows. Default "IsTarget".</summary>
    public string DomainColumnName { get; set; } = DomainDefaults.DomainColumnName;

    /// <summary>Λ, the value λ_p rises to. Default 1 (the paper); at least 0 (0 trains a source-only model).</summary>
    public double MaximumLambda { get; set; } = 1.0;

    /// <summary>γ, how fast λ_p rises. Default 10 (the paper); greater than 0.</summary>
    public double LambdaGamma { get; set; } = 10;

    /// <summary>Hidden layers of the domain discriminator. Default one of 100 units (the paper's digit setting).</summary>
    public IReadOnlyList<int> DiscriminatorHiddenUnits { get; set; } = [100];

    /// <summary>Dropout after each hidden layer of the discriminator, in [0, 1). Default 0.5, which keeps it from winning outright.</summary>
    public double DiscriminatorDropout { get; set; } = 0.5;

    /// <summary>Random augmentation of the image batches (needs an image input shape): the source's, and the target's unless <see cref="AugmentTargetBatches"/> is false. Default null (none).</summary>
    public AugmentationSettings? Augmentation { get; set; }

    /// <summary>
    /// Whether <see cref="Augmentation"/> applies to the target batches too, which the adversary and
    /// information maximisation see; false leaves them as they are (self-training still learns from
    /// its strongly augmented view, at the cost of one more pass of the target batch). Default true:
    /// false was measured best on one MNIST-M style target (ForImages 87.5 → 92.0 %) and worst on
    /// upscaled optdigits (91.0 → 59.2 %) in docs/benchmarks/domain-adaptation.md; check on a few
    /// labelled target rows before turning it off.
    /// </summary>
    public bool AugmentTargetBatches { get; set; } = true;

    /// <summary>
    /// Weight of information maximisation on the target predictions (confident per row, diverse over
    /// the batch). Default 0 (none); 0.1 to 1 helped on digits. At least 0.
    /// </summary>
    public double InformationMaximizationWeight { get; set; }

    /// <summary>
    /// Raise the information-maximisation weight from 0 to <see cref="InformationMaximizationWeight"/>
    /// with the shape of the λ schedule (2 / (1 + exp(−γ p)) − 1), instead of applying it in full from
    /// the first step, when the features are still noise. Default false.
    /// </summary>
    public bool RampInformationMaximization { get; set; }

    /// <summary>
    /// AdaBN: source and target batches go through the network apart, and batch-norm statistics are
    /// re-estimated on the target after training. Needs batch-norm blocks. Default false.
    /// </summary>
    public bool DomainSpecificBatchNorm { get; set; }

    /// <summary>How to choose the epoch without target labels (needs ValidationFraction &gt; 0). Default <see cref="SelectionCriterion.SourceValidationLoss"/>.</summary>
    public SelectionCriterion SelectionCriterion { get; set; } = SelectionCriterion.SourceValidationLoss;

    /// <summary>
    /// Weight λ_u of FixMatch-style self-training on the target rows (Sohn et al. 2020): a target
    /// row's prediction on a weakly augmented view (shifts only), when at least
    /// <see cref="SelfTrainingThreshold"/> confident, is the label for its strongly augmented view
    /// (<see cref="Augmentation"/>, which it needs). Default 0 (off); FixMatch uses 1. At least 0.
    /// </summary>
    public double SelfTrainingWeight { get; set; }

    /// <summary>τ, the confidence a weak-view prediction needs to become a pseudo-label. Default 0.95 (FixMatch's); in (0, 1].</summary>
    public double SelfTrainingThreshold { get; set; } = 0.95;

    /// <summary>
    /// What the discriminator sees: the features (DANN, the default), or their multilinear map with
    /// the class probabilities (CDAN, Long et al. 2018), optionally entropy-weighted (CDAN+E).
    /// </summary>
    public AdversarialConditioning Conditioning { get; set; } = AdversarialConditioning.None;

    /// <summary>
    /// Refuse a collapsed model: when accuracy on the source training rows ends near chance, Fit
    /// throws instead of returning a useless classifier. Default true.
    /// </summary>
    public bool FailOnCollapse { get; set; } = true;

    /// <summary>
    /// Reverse validation, a label-free estimate of how good the model is on the target (Zhong et
    /// al., ECML PKDD 2010; Ganin et al., JMLR 2016, section 5.1.2): after training, a fresh network
    /// of the same spec is trained, with the same optimizer and as many optimizer steps (its epochs
    /// scaled by source rows / target rows), on the target rows labelled by this model's predictions, and its accuracy on the source rows with their true labels is
    /// reported as <c>DomainAdversarialTrainer.ReverseValidationAccuracy</c>. Pseudo-labels that
    /// are wrong in a consistent way (a collapse, swapped classes) do not carry back to the source,
    /// so the figure drops where adaptation hurt; compare it between this model and one trained
    /// with MaximumLambda = 0 and InformationMaximizationWeight = 0, the rest unchanged. The source
    /// rows are those this model trained on (the reverse model never saw them). Costs about one more
    /// training; the progress callback reports its epochs too. Default false. Measured
    /// (docs/benchmarks/domain-adaptation.md): it ranked three models as their target accuracy did on
    /// an MNIST-M style target and backwards on upscaled optdigits (small, and far from the source), so
    /// it is one signal to weigh, not a reliable selector.
    /// </summary>
    public bool ReverseValidation { get; set; }

    /// <summary>
    /// The recipe that worked on small digit sets (measured in docs/benchmarks/domain-adaptation.md): per-image standardisation before
    /// <paramref name="network"/>'s blocks, batch norm (AdaBN), augmentation, information
    /// maximisation with weight 0.3, FixMatch-style self-training with weight 1 (τ = 0.95), λ capped
    /// at 0.3, Adam at 0.001. Self-training joined because it was the one variant that beat the
    /// equally equipped source-only model in every seed on all four measured targets (three
    /// MNIST-M style photo sets and optdigits; +2.5 to +7.6 points on average); set
    /// SelfTrainingWeight = 0 for the recipe without it (it costs one more forward pass of each target batch).
    /// </summary>
    public static DomainAdversarialOptions ForImages(NetworkSpec network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var layers = network.Layers.Select(l => l switch
        {
            ConvolutionLayerSpec c => new ConvolutionLayerSpec(c.Channels, c.KernelSize)
            {
                Stride = c.Stride, Padding = c.Padding, Activation = c.Activation, Pool = c.Pool, Dropout = c.Dropout, BatchNorm = true,
            },
            DenseLayerSpec d => new DenseLayerSpec(d.Units) { Activation = d.Activation, Dropout = d.Dropout, BatchNorm = true },
            _ => l,
        });
        return new DomainAdversarialOptions
        {
            Network = new NetworkSpec { InputShape = network.InputShape, Layers = [new StandardizeLayerSpec(), .. layers] },
            DomainSpecificBatchNorm = true,
            Augmentation = new AugmentationSettings(),
            InformationMaximizationWeight = 0.3,
            SelfTrainingWeight = 1,
            MaximumLambda = 0.3,
            Optimizer = OptimizerKind.Adam,
            LearningRate = 1e-3,
            LearningRateSchedule = LearningRateSchedule.Constant,
        };
    }

    /// <summary>
    /// The source-only twin of these options, for a fair comparison (paired gains, or
    /// <c>CompareWithSourceOnly</c>): a copy with MaximumLambda, InformationMaximizationWeight and
    /// SelfTrainingWeight at 0 and ReverseValidation off; the network, augmentation, normalisation,
    /// AdaBN, optimizer, epochs and seed stay. The Progress callback is shared.
    /// </summary>
    public DomainAdversarialOptions SourceOnly()
    {
        var twin = (DomainAdversarialOptions)MemberwiseClone();
        (twin.MaximumLambda, twin.InformationMaximizationWeight, twin.SelfTrainingWeight, twin.ReverseValidation) = (0, 0, 0, false);
        return twin;
    }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(Network is not null, nameof(Network), null, "a network spec");
        Require(!string.IsNullOrWhiteSpace(DomainColumnName), nameof(DomainColumnName), DomainColumnName, "a non-empty column name");
        Require(MaximumLambda >= 0 && double.IsFinite(MaximumLambda), nameof(MaximumLambda), MaximumLambda, "a finite number of at least 0");
        Require(LambdaGamma > 0 && double.IsFinite(LambdaGamma), nameof(LambdaGamma), LambdaGamma, "a finite number greater than 0");
        Require(DiscriminatorHiddenUnits is not null && DiscriminatorHiddenUnits.All(u => u >= 1), nameof(DiscriminatorHiddenUnits),
            DiscriminatorHiddenUnits is null ? null : $"[{string.Join(", ", DiscriminatorHiddenUnits)}]", "a list of unit counts of at least 1");
        Require(DiscriminatorDropout >= 0 && DiscriminatorDropout < 1, nameof(DiscriminatorDropout), DiscriminatorDropout, "in [0, 1)");
        Require(InformationMaximizationWeight >= 0 && double.IsFinite(InformationMaximizationWeight), nameof(InformationMaximizationWeight),
            InformationMaximizationWeight, "a finite number of at least 0");
        Require(Enum.IsDefined(SelectionCriterion), nameof(SelectionCriterion), SelectionCriterion, "a defined SelectionCriterion");
        Require(Enum.IsDefined(Conditioning), nameof(Conditioning), Conditioning, "a defined AdversarialConditioning");
        Require(SelfTrainingWeight >= 0 && double.IsFinite(SelfTrainingWeight), nameof(SelfTrainingWeight), SelfTrainingWeight, "a finite number of at least 0");
        Require(SelfTrainingThreshold > 0 && SelfTrainingThreshold <= 1, nameof(SelfTrainingThreshold), SelfTrainingThreshold, "in (0, 1]");
        if (SelectionCriterion != SelectionCriterion.SourceValidationLoss && ValidationFraction == 0)
            throw new ArgumentException($"{nameof(SelectionCriterion)} {SelectionCriterion} needs held-out rows: set {nameof(ValidationFraction)} > 0.",
                nameof(SelectionCriterion));
    }
}

/// <summary>Default column names of the domain-adaptation methods.</summary>
public static class DomainDefaults
{
    /// <summary>"IsTarget": the Boolean column that marks target rows.</summary>
    public const string DomainColumnName = "IsTarget";
}
