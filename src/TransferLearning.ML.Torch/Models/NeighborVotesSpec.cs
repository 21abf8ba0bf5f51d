using TransferLearning.ML.Torch.Modules;

namespace TransferLearning.ML.Torch.Models;

/// <summary>
/// k-nearest-neighbour classification against stored reference rows (Cover and Hart 1967): the
/// buffers <c>heads.{name}.table</c> [references, length] and <c>heads.{name}.labels</c>
/// [references, 1] (class index as a float) are set when the model is built. A row's score for a
/// class is the share of its k nearest references in that class (to within 0.1 %); equal shares go
/// to the class whose neighbours are nearer. No parameters.
/// </summary>
/// <param name="name">The head's name.</param>
/// <param name="input">The head whose output is compared; null for the trunk's features.</param>
/// <param name="references">Number of reference rows; at least 1.</param>
/// <param name="classes">Number of classes; at least 1.</param>
/// <param name="neighbors">k; from 1 to <paramref name="references"/>.</param>
/// <param name="matching">How rows are compared: <see cref="CandidateMatching.NegativeEuclidean"/> or <see cref="CandidateMatching.Cosine"/>.</param>
public sealed class NeighborVotesSpec(string name, string? input, int references, int classes, int neighbors, CandidateMatching matching) : HeadSpec(name, input)
{
    /// <summary>Number of reference rows.</summary>
    public int References { get; init; } = references;

    /// <summary>Number of classes (the output size).</summary>
    public int Classes { get; init; } = classes;

    /// <summary>k, the neighbours that vote.</summary>
    public int Neighbors { get; init; } = neighbors;

    /// <summary>How rows are compared with the references.</summary>
    public CandidateMatching Matching { get; init; } = matching;

    /// <inheritdoc />
    public override int OutputSize(int inputSize)
    {
        RequirePositive(References, "References");
        RequirePositive(Classes, "Classes");
        RequirePositive(inputSize, "The input size");
        if (Neighbors < 1 || Neighbors > References) throw Invalid($"Neighbors must be in [1, {References}] (the reference rows), was {Neighbors}.");
        if (Matching is not (CandidateMatching.NegativeEuclidean or CandidateMatching.Cosine))
            throw Invalid($"matching {Matching} is not a distance; use NegativeEuclidean or Cosine.");
        return Classes;
    }

    internal override long StoredValues(int inputSize) => (long)References * (inputSize + 1);

    internal override HeadModule CreateModule(int inputSize) => new NeighborVotesHead(References, inputSize, OutputSize(inputSize), Neighbors, Matching);
}
