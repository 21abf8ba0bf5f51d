using TransferLearning.ML.Torch.Modules;

namespace TransferLearning.ML.Torch.Models;

/// <summary>
/// A linear embedding of the features, optionally L2-normalised (in training and at inference
/// alike, as metric learning needs). Parameters <c>heads.{name}.linear.weight|bias</c>.
/// </summary>
/// <param name="name">The head's name.</param>
/// <param name="size">Embedding size; at least 1.</param>
/// <param name="input">The head it reads; null for the trunk's features.</param>
public sealed class EmbeddingHeadSpec(string name, int size, string? input = null) : HeadSpec(name, input)
{
    /// <summary>Embedding size.</summary>
    public int Size { get; init; } = size;

    /// <summary>Whether every embedding is scaled to unit length. Default false.</summary>
    public bool Normalize { get; init; }

    /// <inheritdoc />
    public override int OutputSize(int inputSize)
    {
        RequirePositive(Size, "Size");
        return Size;
    }

    internal override long StoredValues(int inputSize) => ((long)inputSize + 1) * Size;

    internal override HeadModule CreateModule(int inputSize) =>
        new LinearHead(inputSize, OutputSize(inputSize), Normalize ? LinearHead.Output.UnitLength : LinearHead.Output.Identity, Normalize);
}
