using TransferLearning.ML.Torch.Modules;

namespace TransferLearning.ML.Torch.Models;

/// <summary>
/// ConSE's semantic embedding (Norouzi et al. 2013): the input is a probability vector over seen
/// classes; the output is the convex combination of the top <see cref="TopCount"/> classes'
/// embeddings, weighted by their renormalised probabilities. The embeddings are the buffer
/// <c>heads.{name}.table</c> [input size, length].
/// </summary>
/// <param name="name">The head's name.</param>
/// <param name="input">The head whose probabilities it reads; null for the trunk's features (the raw input when the trunk has no blocks).</param>
/// <param name="length">Embedding length; at least 1.</param>
/// <param name="topCount">T; at least 1 (capped at the number of seen classes).</param>
public sealed class ConvexCombinationSpec(string name, string? input, int length, int topCount) : HeadSpec(name, input)
{
    /// <summary>Embedding length.</summary>
    public int Length { get; init; } = length;

    /// <summary>T, the number of top classes combined.</summary>
    public int TopCount { get; init; } = topCount;

    /// <inheritdoc />
    public override int OutputSize(int inputSize)
    {
        RequirePositive(Length, "Length");
        RequirePositive(TopCount, "TopCount");
        RequirePositive(inputSize, "The input size");
        return Length;
    }

    internal override long StoredValues(int inputSize) => (long)inputSize * Length;

    internal override HeadModule CreateModule(int inputSize) => new ConvexCombinationHead(inputSize, OutputSize(inputSize), Math.Min(TopCount, inputSize));
}
