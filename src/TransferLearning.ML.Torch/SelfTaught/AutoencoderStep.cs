using TorchSharp;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Torch.Training.Sampling;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.SelfTaught;

/// <summary>How an autoencoder's reconstruction is scored against its (clean) input.</summary>
public enum ReconstructionLoss
{
    /// <summary>Mean squared error of the linear reconstruction: any real-valued input.</summary>
    SquaredError,

    /// <summary>Binary cross-entropy of the sigmoid reconstruction: inputs in [0, 1], such as pixels.</summary>
    CrossEntropy,
}

/// <summary>The settings of an autoencoder step (read from the ML.NET options, same names).</summary>
internal interface IAutoencoderSettings
{
    ReconstructionLoss Reconstruction { get; }

    double Corruption { get; }

    SparsityPenalty Sparsity { get; }

    double SparsityWeight { get; }

    double SparsityTarget { get; }
}

/// <summary>
/// One step of (denoising, sparse) autoencoder training: the encoder (the trunk) codes the input —
/// with masking noise when denoising (Vincent et al. 2008): each value set to 0 with probability
/// <see cref="IAutoencoderSettings.Corruption"/> — the decoder head reconstructs it, and the loss
/// compares the reconstruction with the clean input, plus the code's sparsity penalty.
/// </summary>
internal sealed class AutoencoderStep(Network network, Tensor features, string decoderHead, IAutoencoderSettings settings, int seed) : ITrainingStep
{
    // Its own generator, so that the corruption masks depend only on the seed and the step count.
    private readonly Generator _noise = new Generator((ulong)seed, features.device);

    public nn.Module Model => network;

    public IReadOnlyList<ParameterGroup> ParameterGroups { get; } = [new ParameterGroup(network.parameters().ToArray())];

    public StepLoss Loss(Batch batch, double progress)
    {
        var clean = features.index_select(0, batch.Rows);
        return Compute(Corrupt(clean), clean);
    }

    public Evaluation Evaluate(Tensor rows)
    {
        var clean = features.index_select(0, rows);
        return new Evaluation(Compute(clean, clean).Total.item<float>(), null);
    }

    /// <summary>Masking noise: each value zeroed with probability Corruption (none at 0).</summary>
    public Tensor Corrupt(Tensor clean) => settings.Corruption <= 0 ? clean
        : clean * torch.rand(clean.shape, generator: _noise, device: clean.device).ge(settings.Corruption).to_type(clean.dtype);

    /// <summary>The loss of reconstructing <paramref name="target"/> from <paramref name="input"/>, with its parts.</summary>
    public StepLoss Compute(Tensor input, Tensor target)
    {
        var code = network.Features(input);
        var output = network.Head(decoderHead, code);
        var reconstruction = settings.Reconstruction == ReconstructionLoss.CrossEntropy
            ? nn.functional.binary_cross_entropy_with_logits(output, target)
            : nn.functional.mse_loss(output, target);
        if (settings.Sparsity == SparsityPenalty.None || settings.SparsityWeight == 0) return new StepLoss(reconstruction);
        var sparsity = Sparsity.Penalty(code, settings.Sparsity, settings.SparsityTarget) * settings.SparsityWeight;
        return new StepLoss(reconstruction + sparsity, [("reconstruction", reconstruction), ("sparsity", sparsity)]);
    }
}
