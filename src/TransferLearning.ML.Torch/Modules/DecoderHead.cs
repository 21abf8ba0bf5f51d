using TorchSharp;
using TorchSharp.Modules;
using TransferLearning.ML.Torch.Models;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Modules;

/// <summary>The module of a <see cref="DecoderHeadSpec"/>: dense layers, then upsampling convolutions for images.</summary>
internal sealed class DecoderHead : HeadModule
{
    // Field names are the checkpoint contract: renaming them breaks saved models.
    private readonly ModuleList<Linear> dense = new();
    private readonly ModuleList<Conv2d> convs = new();
    private readonly int[][] _shapes; // the stages, then the output: what each convolution produces
    private readonly bool _sigmoid;

    public DecoderHead(int inputSize, int outputSize, DecoderHeadSpec spec) : base(nameof(DecoderHead), outputSize)
    {
        int previous = inputSize;
        foreach (int units in spec.Hidden)
        {
            dense.Add(nn.Linear(previous, units));
            previous = units;
        }
        _shapes = spec.Stages.Count > 0 ? [.. spec.Stages, spec.OutputShape] : [];
        dense.Add(nn.Linear(previous, _shapes.Length > 0 ? _shapes[0].Aggregate(1, (a, b) => a * b) : outputSize));
        for (int j = 1; j < _shapes.Length; j++)
            convs.Add(nn.Conv2d(_shapes[j - 1][0], _shapes[j][0], 3, padding: 1));
        _sigmoid = spec.Sigmoid;
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        var x = input;
        for (int i = 0; i < dense.Count - 1; i++) x = nn.functional.relu(dense[i].forward(x));
        x = dense[dense.Count - 1].forward(x);
        if (_shapes.Length == 0) return x;
        x = nn.functional.relu(x).reshape([x.shape[0], .. _shapes[0].Select(d => (long)d)]);
        for (int j = 1; j < _shapes.Length; j++)
        {
            x = nn.functional.interpolate(x, size: [_shapes[j][1], _shapes[j][2]], mode: InterpolationMode.Nearest);
            x = convs[j - 1].forward(x);
            if (j < _shapes.Length - 1) x = nn.functional.relu(x);
        }
        return x.flatten(1);
    }

    public override Tensor Infer(Tensor input) => _sigmoid ? forward(input).sigmoid() : forward(input);
}
