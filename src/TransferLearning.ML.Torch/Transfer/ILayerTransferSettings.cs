namespace TransferLearning.ML.Torch.Transfer;

/// <summary>
/// The settings of <see cref="LayerTransferRecipe"/>, read straight from the ML.NET options object
/// that implements this (<c>LayerTransferOptions</c>): the same names, no copy.
/// </summary>
internal interface ILayerTransferSettings
{
    int? CopiedLayers { get; }

    CopyDirection CopyFrom { get; }

    bool FreezeCopiedLayers { get; }

    int? FrozenLayers { get; }

    double CopiedLayersLearningRateMultiplier { get; }

    int FineTuneEpochs { get; }

    double FineTuneLearningRateMultiplier { get; }

    L2SpOptions? L2Sp { get; }

    DistillationOptions? Distillation { get; }
}
