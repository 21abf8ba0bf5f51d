namespace TransferLearning.ML.SelfTaught;

/// <summary>The decoder of a self-taught autoencoder (see <see cref="SelfTaughtFeaturesOptions.Decoder"/>).</summary>
public enum AutoencoderDecoder
{
    /// <summary><see cref="Mirror"/> when the encoder has convolution layers (a convolutional autoencoder), else <see cref="Linear"/>.</summary>
    Auto,

    /// <summary>One linear layer from the code back to the input (Raina et al.'s sparse-coding-like setting).</summary>
    Linear,

    /// <summary>
    /// The encoder mirrored: its dense layers in reverse order, then for each convolution layer (in
    /// reverse) nearest-neighbour upsampling to that layer's input size and a 3x3 convolution to its
    /// input channels (Masci et al. 2011, convolutional autoencoders).
    /// </summary>
    Mirror,
}
