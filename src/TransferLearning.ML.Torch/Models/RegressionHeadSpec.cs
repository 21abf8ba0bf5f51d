using TransferLearning.ML.Torch.Modules;

namespace TransferLearning.ML.Torch.Models;

/// <summary>
/// A linear map to real-valued outputs (regression targets, or class attributes): the linear
/// outputs while training, and at inference the same or, with <see cref="Sigmoid"/>, their
/// sigmoid (probabilities of binary attributes). Parameters <c>heads.{name}.linear.weight|bias</c>.
/// </summary>
/// <param name="name">The head's name.</param>
/// <param name="outputs">Number of outputs; at least 1.</param>
/// <param name="input">The head it reads; null for the trunk's features.</param>
public sealed class RegressionHeadSpec(string name, int outputs, string? input = null) : HeadSpec(name, input)
{
    /// <summary>Number of outputs.</summary>
    public int Outputs { get; init; } = outputs;

    /// <summary>Whether inference applies the logistic sigmoid (training sees the logits). Default false.</summary>
    public bool Sigmoid { get; init; }

    /// <inheritdoc />
    public override int OutputSize(int inputSize)
    {
        RequirePositive(Outputs, "Outputs");
        return Outputs;
    }

    internal override long StoredValues(int inputSize) => ((long)inputSize + 1) * Outputs;

    internal override HeadModule CreateModule(int inputSize) =>
        new LinearHead(inputSize, OutputSize(inputSize), Sigmoid ? LinearHead.Output.Sigmoid : LinearHead.Output.Identity);
}
