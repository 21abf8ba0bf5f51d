using System.Text.Json.Serialization;
using TransferLearning.ML.Torch.Modules;

namespace TransferLearning.ML.Torch.Models;

/// <summary>
/// One named output of a model (see <see cref="ModelSpec"/>): a module that reads the trunk's
/// features, or the output of an earlier head, and produces one vector per row. A head has a
/// training output (for example a classifier's logits) and an inference output (its probabilities),
/// which is what a transformer writes to its columns.
/// </summary>
/// <remarks>
/// Head <c>n</c>'s parameters and buffers are stored as <c>heads.n.*</c>: with the trunk's
/// <c>body.block{i}.*</c>, those names are the checkpoint contract. The JSON property <c>kind</c>
/// names the kind of head.
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(ClassifierHeadSpec), "classifier")]
[JsonDerivedType(typeof(RegressionHeadSpec), "regression")]
[JsonDerivedType(typeof(EmbeddingHeadSpec), "embedding")]
[JsonDerivedType(typeof(CandidateScoresSpec), "candidates")]
[JsonDerivedType(typeof(ConvexCombinationSpec), "convexCombination")]
[JsonDerivedType(typeof(KernelProjectionSpec), "kernelProjection")]
[JsonDerivedType(typeof(NeighborVotesSpec), "neighborVotes")]
[JsonDerivedType(typeof(DecoderHeadSpec), "decoder")]
public abstract class HeadSpec
{
    private protected HeadSpec(string name, string? input)
    {
        Name = name;
        Input = input;
    }

    /// <summary>The head's name: its output's name and its checkpoint prefix. Letters, digits, '-' and '_'; not "features".</summary>
    public string Name { get; init; }

    /// <summary>The earlier head whose inference output this head reads; null (the default) for the trunk's features.</summary>
    public string? Input { get; init; }

    /// <summary>Checks the head against the size of its input and returns the size of its output.</summary>
    /// <exception cref="ArgumentException">A setting is out of range or does not fit the input.</exception>
    public abstract int OutputSize(int inputSize);

    /// <summary>The number of values (parameters and buffers) a head of this spec stores, for loaders' size checks.</summary>
    internal abstract long StoredValues(int inputSize);

    /// <summary>Creates the head's module with freshly initialised parameters (and zero buffers).</summary>
    internal abstract HeadModule CreateModule(int inputSize);

    private protected Exception Invalid(string what) => new ArgumentException($"Head '{Name}': {what}");

    private protected void RequirePositive(int value, string what)
    {
        if (value < 1) throw Invalid($"{what} must be at least 1, was {value}.");
    }

    private protected void RequireInput(int inputSize, int expected, string what)
    {
        if (inputSize != expected) throw Invalid($"it reads vectors of {expected} values ({what}), but its input has {inputSize}.");
    }
}
