using TransferLearning.ML.Classification;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.SelfTaught;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.SelfTaught;

/// <summary>Options of <see cref="SelfTaughtFeaturesEstimator"/>: the encoder, its code, the decoder's loss, denoising and sparsity.</summary>
public sealed class SelfTaughtFeaturesOptions : TrainingOptions, IAutoencoderSettings
{
    /// <summary>Input: a known-size vector of Single (the unlabelled rows, and later the rows to featurise). Default "Features".</summary>
    public string FeatureColumnName { get; set; } = DefaultColumnNames.Features;

    /// <summary>Output: the code. Default "SelfTaughtFeatures".</summary>
    public string OutputColumnName { get; set; } = "SelfTaughtFeatures";

    /// <summary>The encoder's layers before the code layer. Default <c>NetworkSpec.Mlp(256)</c>; empty for a one-layer autoencoder.</summary>
    public NetworkSpec Encoder { get; set; } = NetworkSpec.Mlp(256);

    /// <summary>Units of the code layer (the features written); at least 1. Default 64.</summary>
    public int CodeSize { get; set; } = 64;

    /// <summary>The code layer's non-linearity. Default <see cref="Activation.Sigmoid"/> (as sparse autoencoders use; KL sparsity needs it).</summary>
    public Activation CodeActivation { get; set; } = Activation.Sigmoid;

    /// <summary>
    /// Whether the code layer batch-normalises its linear outputs before the non-linearity, which keeps
    /// sigmoid code units out of saturation (without it, an autoencoder on sparse images such as
    /// digits can drive every unit to 1 and learn only the mean image). Default true.
    /// </summary>
    public bool CodeBatchNorm { get; set; } = true;

    /// <summary>
    /// The decoder. Default <see cref="AutoencoderDecoder.Auto"/>: a mirrored, upsampling-convolution
    /// decoder for a convolutional encoder (set <c>Encoder.InputShape</c> to [channels, height, width]),
    /// one linear layer otherwise.
    /// </summary>
    public AutoencoderDecoder Decoder { get; set; } = AutoencoderDecoder.Auto;

    /// <summary>
    /// Refuse a collapsed code: when the code varies across the training rows by less than 1 % of its
    /// mean size (every row coded alike), Fit throws instead of returning features that carry no
    /// information. Default true; the measured spread is in <c>TrainingReport.Metrics["code-spread"]</c>.
    /// </summary>
    public bool FailOnCollapse { get; set; } = true;

    /// <summary>How the decoder's reconstruction is scored. Default <see cref="ReconstructionLoss.SquaredError"/>; use CrossEntropy for inputs in [0, 1].</summary>
    public ReconstructionLoss Reconstruction { get; set; } = ReconstructionLoss.SquaredError;

    /// <summary>Denoising (Vincent et al. 2008): the probability that each input value is zeroed while training; in [0, 1). Default 0 (a plain autoencoder).</summary>
    public double Corruption { get; set; }

    /// <summary>The sparsity penalty on the code. Default <see cref="SparsityPenalty.None"/>.</summary>
    public SparsityPenalty Sparsity { get; set; } = SparsityPenalty.None;

    /// <summary>β, the penalty's weight; finite, at least 0. Default 0.1.</summary>
    public double SparsityWeight { get; set; } = 0.1;

    /// <summary>ρ, the target mean activation of the KL penalty; in (0, 1). Default 0.05.</summary>
    public double SparsityTarget { get; set; } = 0.05;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(!string.IsNullOrWhiteSpace(FeatureColumnName), nameof(FeatureColumnName), FeatureColumnName, "a non-empty column name");
        Require(!string.IsNullOrWhiteSpace(OutputColumnName), nameof(OutputColumnName), OutputColumnName, "a non-empty column name");
        Require(Encoder is not null, nameof(Encoder), null, "a network spec");
        Require(CodeSize >= 1, nameof(CodeSize), CodeSize, "at least 1");
        Require(Enum.IsDefined(CodeActivation), nameof(CodeActivation), CodeActivation, "a defined Activation");
        Require(Enum.IsDefined(Decoder), nameof(Decoder), Decoder, "a defined AutoencoderDecoder");
        Require(Enum.IsDefined(Reconstruction), nameof(Reconstruction), Reconstruction, "a defined ReconstructionLoss");
        Require(Corruption >= 0 && Corruption < 1, nameof(Corruption), Corruption, "in [0, 1)");
        Require(Enum.IsDefined(Sparsity), nameof(Sparsity), Sparsity, "a defined SparsityPenalty");
        Require(SparsityWeight >= 0 && double.IsFinite(SparsityWeight), nameof(SparsityWeight), SparsityWeight, "a finite number of at least 0");
        Require(SparsityTarget > 0 && SparsityTarget < 1, nameof(SparsityTarget), SparsityTarget, "in (0, 1)");
        Require(Sparsity != SparsityPenalty.KullbackLeibler || CodeActivation == Activation.Sigmoid, nameof(CodeActivation), CodeActivation,
            "Sigmoid when Sparsity is KullbackLeibler (the penalty compares mean activations in (0, 1) with SparsityTarget)");
    }
}
