using TransferLearning.ML.Classification;
using TransferLearning.ML.Torch.Transfer;

namespace TransferLearning.ML.FineTuning;

/// <summary>
/// Options of <see cref="LayerTransferEstimator"/>: which source blocks to copy, whether to freeze
/// them, an optional fine-tuning phase, and conservative-training terms, plus the columns and
/// training settings every classifier has.
/// </summary>
public sealed class LayerTransferOptions : ClassifierOptions, ILayerTransferSettings
{
    /// <summary>Blocks to copy from the source network; null (the default) copies all of them (everything but the head). In 0..source blocks.</summary>
    public int? CopiedLayers { get; set; }

    /// <summary>Which end the copied blocks come from. Default <see cref="CopyDirection.First"/> (the image convention).</summary>
    public CopyDirection CopyFrom { get; set; } = CopyDirection.First;

    /// <summary>Keep the copied blocks' weights (and batch-norm statistics) fixed in the first phase. Default true.</summary>
    public bool FreezeCopiedLayers { get; set; } = true;

    /// <summary>
    /// With <see cref="FreezeCopiedLayers"/>, how many of the copied layers stay frozen, counted from
    /// the input side; the copied layers after them train at <see cref="CopiedLayersLearningRateMultiplier"/>
    /// (partial unfreezing: e.g. the first stages of a pretrained ResNet frozen, its last blocks
    /// fine-tuned). Default null: every copied layer is frozen. In 0..copied layers.
    /// </summary>
    public int? FrozenLayers { get; set; }

    /// <summary>
    /// Learning rate of unfrozen copied blocks, as a multiple of <c>LearningRate</c>. Default 1
    /// (Yosinski et al. 2014 fine-tune everything at one rate); at least 0.
    /// </summary>
    public double CopiedLayersLearningRateMultiplier { get; set; } = 1.0;

    /// <summary>
    /// Epochs of a second phase that unfreezes every block and trains the whole network, as once
    /// the target data allow. Default 0 (no second phase); at least 0.
    /// </summary>
    public int FineTuneEpochs { get; set; }

    /// <summary>Learning rate of the second phase, as a multiple of <c>LearningRate</c>. Default 0.1; greater than 0.</summary>
    public double FineTuneLearningRateMultiplier { get; set; } = 0.1;

    /// <summary>L2-SP towards the source weights (Li et al. 2018); null (the default) for none.</summary>
    public L2SpOptions? L2Sp { get; set; }

    /// <summary>Output distillation towards the source network; null (the default) for none.</summary>
    public DistillationOptions? Distillation { get; set; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(CopiedLayers is null or >= 0, nameof(CopiedLayers), CopiedLayers, "null (all) or at least 0");
        Require(Enum.IsDefined(CopyFrom), nameof(CopyFrom), CopyFrom, "a defined CopyDirection");
        Require(FrozenLayers is null or >= 0, nameof(FrozenLayers), FrozenLayers, "null (every copied layer) or at least 0");
        Require(FrozenLayers is null || FreezeCopiedLayers, nameof(FrozenLayers), FrozenLayers, "null when FreezeCopiedLayers is false");
        Require(CopiedLayersLearningRateMultiplier >= 0 && double.IsFinite(CopiedLayersLearningRateMultiplier),
            nameof(CopiedLayersLearningRateMultiplier), CopiedLayersLearningRateMultiplier, "a finite number of at least 0");
        Require(FineTuneEpochs >= 0, nameof(FineTuneEpochs), FineTuneEpochs, "at least 0");
        Require(FineTuneLearningRateMultiplier > 0 && double.IsFinite(FineTuneLearningRateMultiplier),
            nameof(FineTuneLearningRateMultiplier), FineTuneLearningRateMultiplier, "a finite number greater than 0");
        if (L2Sp is not null)
        {
            Require(L2Sp.Alpha >= 0 && double.IsFinite(L2Sp.Alpha), "L2Sp.Alpha", L2Sp.Alpha, "a finite number of at least 0");
            Require(L2Sp.Beta >= 0 && double.IsFinite(L2Sp.Beta), "L2Sp.Beta", L2Sp.Beta, "a finite number of at least 0");
        }
        if (Distillation is not null)
        {
            Require(Distillation.Weight >= 0 && double.IsFinite(Distillation.Weight), "Distillation.Weight", Distillation.Weight, "a finite number of at least 0");
            Require(Distillation.Temperature > 0 && double.IsFinite(Distillation.Temperature), "Distillation.Temperature", Distillation.Temperature,
                "a finite number greater than 0");
            Require(Enum.IsDefined(Distillation.Loss), "Distillation.Loss", Distillation.Loss, "a defined DistillationLoss");
        }
    }

    /// <summary>A shallow copy (the sweep varies copies of one set of options).</summary>
    internal LayerTransferOptions Clone() => (LayerTransferOptions)MemberwiseClone();
}
