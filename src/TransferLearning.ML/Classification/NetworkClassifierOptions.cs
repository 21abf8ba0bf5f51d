using TransferLearning.ML.Torch.Networks;

namespace TransferLearning.ML.Classification;

/// <summary>Options of <see cref="NetworkClassifierTrainer"/>: the network, plus columns and training settings.</summary>
public sealed class NetworkClassifierOptions : ClassifierOptions
{
    /// <summary>
    /// The network's blocks; a linear head sized for the label's classes is added after them.
    /// Default <c>NetworkSpec.Mlp(128)</c>: one hidden layer of 128 ReLU units, input size from the data.
    /// Use <see cref="NetworkSpec.LeNet"/> for images (pixels from ML.NET's ExtractPixels).
    /// </summary>
    public NetworkSpec Network { get; set; } = NetworkSpec.Mlp(128);

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(Network is not null, nameof(Network), null, "a network spec");
    }
}
