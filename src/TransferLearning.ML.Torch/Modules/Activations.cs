using TransferLearning.ML.Torch.Networks;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Modules;

internal static class Activations
{
    /// <summary>Applies a parameter-free non-linearity (kept functional so it adds no state to checkpoints).</summary>
    public static Tensor Apply(Activation activation, Tensor x) => activation switch
    {
        Activation.None => x,
        Activation.Relu => nn.functional.relu(x),
        Activation.Tanh => x.tanh(),
        Activation.Sigmoid => x.sigmoid(),
        Activation.Gelu => nn.functional.gelu(x),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Unknown activation."),
    };
}
