using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Modules;

/// <summary>A linear map (<c>linear.weight|bias</c>) and what inference makes of it: classifier, regression and embedding heads.</summary>
internal sealed class LinearHead : HeadModule
{
    /// <summary>What the inference output is.</summary>
    public enum Output
    {
        /// <summary>The linear outputs.</summary>
        Identity,

        /// <summary>Softmax probabilities (classifier).</summary>
        Softmax,

        /// <summary>Logistic sigmoid (binary attributes).</summary>
        Sigmoid,

        /// <summary>Unit-length vectors.</summary>
        UnitLength,
    }

    // Field names are the checkpoint contract: renaming them breaks saved models.
    private readonly Linear linear;
    private readonly Output _output;
    private readonly bool _normalizeInTraining;

    public LinearHead(int inputSize, int outputSize, Output output, bool normalizeInTraining = false) : base(nameof(LinearHead), outputSize)
    {
        linear = nn.Linear(inputSize, outputSize);
        _output = output;
        _normalizeInTraining = normalizeInTraining;
        RegisterComponents();
    }

    /// <summary>The linear map, for methods that copy or read a head's weights.</summary>
    public Linear Linear => linear;

    public override Tensor forward(Tensor input)
    {
        var x = linear.forward(input);
        return _normalizeInTraining ? nn.functional.normalize(x, p: 2, dim: 1, eps: 1e-12) : x;
    }

    public override Tensor Infer(Tensor input) => _output switch
    {
        Output.Softmax => nn.functional.softmax(forward(input), 1),
        Output.Sigmoid => forward(input).sigmoid(),
        _ => forward(input),
    };
}
