using TransferLearning.ML.Torch.Losses;

namespace TransferLearning.ML.Torch.Transfer;

/// <summary>
/// Output distillation towards the source network, the "conservative training" of transfer
/// learning: on the same target inputs, the new model's source-class outputs are kept close to the
/// source model's. As in Learning without Forgetting (Li and Hoiem 2016), a copy of the source's
/// head sits on the new model's features during training; the source model's outputs on every
/// training row are computed once, before training. Needs every source block copied from the input
/// side, so that the source head fits the features.
/// </summary>
public sealed class DistillationOptions
{
    /// <summary>Weight of the distillation term next to the cross-entropy. Default 1 (Learning without Forgetting's λo); at least 0.</summary>
    public double Weight { get; set; } = 1.0;

    /// <summary>Softmax temperature of the KL form. Default 2 (Learning without Forgetting; Hinton et al. 2015 use 1-20); greater than 0.</summary>
    public double Temperature { get; set; } = 2.0;

    /// <summary>The distance. Default <see cref="DistillationLoss.KullbackLeibler"/>.</summary>
    public DistillationLoss Loss { get; set; } = DistillationLoss.KullbackLeibler;
}
