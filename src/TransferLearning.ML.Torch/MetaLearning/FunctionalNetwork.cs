using TorchSharp;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.MetaLearning;

/// <summary>
/// A classifier network's forward pass with its weights given as tensors rather than read from its
/// parameters, so that MAML can run it with adapted weights θ' = θ − α∇L that stay in the autograd
/// graph (TorchSharp modules hold leaf parameters only). Weights are in the order of the network's
/// <c>parameters()</c>: each block's weight and bias, then the head's.
/// </summary>
internal static class FunctionalNetwork
{
    /// <summary>
    /// Checks that every block can run functionally: dense and convolution blocks without batch
    /// normalisation or dropout (their running statistics and random masks have no adapted copy), and
    /// parameter-free standardisation.
    /// </summary>
    /// <exception cref="ArgumentException">A block MAML cannot run, naming it.</exception>
    public static void Check(NetworkSpec spec, string option)
    {
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var problem = spec.Layers[i] switch
            {
                DenseLayerSpec { BatchNorm: true } or ConvolutionLayerSpec { BatchNorm: true } => "batch normalisation",
                DenseLayerSpec { Dropout: > 0 } or ConvolutionLayerSpec { Dropout: > 0 } => "dropout",
                DenseLayerSpec or ConvolutionLayerSpec or StandardizeLayerSpec => null,
                var other => $"a {other.GetType().Name}",
            };
            if (problem is not null)
                throw new ArgumentException($"{option}: layer {i} uses {problem}, which MAML's adapted forward pass does not support; " +
                    "use dense, convolution and standardize layers without batch normalisation or dropout.", option);
        }
    }

    /// <summary>The head's logits for <paramref name="input"/> with <paramref name="weights"/> in place of the parameters.</summary>
    public static Tensor Forward(Network network, Tensor input, IReadOnlyList<Tensor> weights)
    {
        var spec = network.Spec;
        var x = input.view([-1, .. spec.InputShape.Select(d => (long)d)]);
        int w = 0;
        foreach (var layer in spec.Layers)
        {
            switch (layer)
            {
                case DenseLayerSpec dense:
                    x = Activations.Apply(dense.Activation, nn.functional.linear(x.dim() > 2 ? x.flatten(1) : x, weights[w], weights[w + 1]));
                    w += 2;
                    break;
                case ConvolutionLayerSpec conv:
                    x = nn.functional.conv2d(x, weights[w], weights[w + 1], strides: [conv.Stride, conv.Stride], padding: [conv.Padding, conv.Padding]);
                    x = Activations.Apply(conv.Activation, x);
                    if (conv.Pool > 1) x = nn.functional.max_pool2d(x, conv.Pool);
                    w += 2;
                    break;
                case StandardizeLayerSpec:
                    x = StandardizeBlock.Standardize(x);
                    break;
                default:
                    throw new InvalidOperationException($"MAML cannot run a {layer.GetType().Name}.");
            }
        }
        if (x.dim() > 2) x = x.flatten(1);
        if (weights.Count != w + 2) throw new InvalidOperationException($"Expected {w + 2} weight tensors, got {weights.Count}.");
        return nn.functional.linear(x, weights[w], weights[w + 1]);
    }
}
