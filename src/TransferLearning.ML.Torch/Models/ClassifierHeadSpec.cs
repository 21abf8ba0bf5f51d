using TransferLearning.ML.Torch.Modules;

namespace TransferLearning.ML.Torch.Models;

/// <summary>
/// A linear classifier: logits while training (for softmax cross-entropy), class probabilities
/// (softmax) at inference. Parameters <c>heads.{name}.linear.weight|bias</c>.
/// </summary>
/// <param name="name">The head's name.</param>
/// <param name="classes">Number of classes; at least 1.</param>
/// <param name="input">The head it reads; null for the trunk's features.</param>
public sealed class ClassifierHeadSpec(string name, int classes, string? input = null) : HeadSpec(name, input)
{
    /// <summary>Number of classes.</summary>
    public int Classes { get; init; } = classes;

    /// <inheritdoc />
    public override int OutputSize(int inputSize)
    {
        RequirePositive(Classes, "Classes");
        return Classes;
    }

    internal override long StoredValues(int inputSize) => ((long)inputSize + 1) * Classes;

    internal override HeadModule CreateModule(int inputSize) => new LinearHead(inputSize, OutputSize(inputSize), LinearHead.Output.Softmax);
}
