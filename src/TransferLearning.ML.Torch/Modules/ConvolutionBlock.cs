using TorchSharp;
using TorchSharp.Modules;
using TransferLearning.ML.Torch.Networks;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Modules;

/// <summary>conv2d → [batch norm] → activation → [max pool] → [dropout]. Parameters: <c>conv.*</c>, <c>norm.*</c>.</summary>
internal sealed class ConvolutionBlock : nn.Module<Tensor, Tensor>
{
    // Field names are the checkpoint contract: renaming them breaks saved models.
    private readonly Conv2d conv;
    private readonly BatchNorm2d? norm;
    private readonly Dropout? dropout;
    private readonly Activation _activation;
    private readonly int _pool;

    public ConvolutionBlock(int inputChannels, ConvolutionLayerSpec spec) : base(nameof(ConvolutionBlock))
    {
        conv = nn.Conv2d(inputChannels, spec.Channels, spec.KernelSize, stride: spec.Stride, padding: spec.Padding);
        norm = spec.BatchNorm ? nn.BatchNorm2d(spec.Channels) : null;
        dropout = spec.Dropout > 0 ? nn.Dropout(spec.Dropout) : null;
        _activation = spec.Activation;
        _pool = spec.Pool;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var x = conv.forward(input);
        if (norm is not null) x = norm.forward(x);
        x = Activations.Apply(_activation, x);
        if (_pool > 1) x = nn.functional.max_pool2d(x, _pool);
        return dropout is null ? x : dropout.forward(x);
    }
}
