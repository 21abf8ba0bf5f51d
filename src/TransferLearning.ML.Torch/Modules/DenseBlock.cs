using TorchSharp;
using TorchSharp.Modules;
using TransferLearning.ML.Torch.Networks;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Modules;

/// <summary>[flatten] → linear → [batch norm] → activation → [dropout]. Parameters: <c>linear.*</c>, <c>norm.*</c>.</summary>
internal sealed class DenseBlock : nn.Module<Tensor, Tensor>
{
    // Field names are the checkpoint contract: renaming them breaks saved models.
    private readonly Linear linear;
    private readonly BatchNorm1d? norm;
    private readonly Dropout? dropout;
    private readonly Activation _activation;

    public DenseBlock(int inputSize, DenseLayerSpec spec) : base(nameof(DenseBlock))
    {
        linear = nn.Linear(inputSize, spec.Units);
        norm = spec.BatchNorm ? nn.BatchNorm1d(spec.Units) : null;
        dropout = spec.Dropout > 0 ? nn.Dropout(spec.Dropout) : null;
        _activation = spec.Activation;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var x = input.dim() > 2 ? input.flatten(1) : input;
        x = linear.forward(x);
        if (norm is not null) x = norm.forward(x);
        x = Activations.Apply(_activation, x);
        return dropout is null ? x : dropout.forward(x);
    }
}
