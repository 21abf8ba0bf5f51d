using TransferLearning.ML.Torch.ZeroShot;

namespace TransferLearning.ML.ZeroShot;

/// <summary>The columns and class lists every zero-shot model writes and keeps.</summary>
internal static class ZeroShotColumns
{
    /// <summary>The name of the seen-class list in <see cref="NetworkTransformer.ClassLists"/>.</summary>
    public const string Seen = "seen";

    /// <summary>The name of the candidate-class list in <see cref="NetworkTransformer.ClassLists"/>.</summary>
    public const string Candidates = "candidates";

    /// <summary>The per-row vector (attributes or embedding), Score over the candidates (slot names) and PredictedLabel (key of candidate names).</summary>
    public static IReadOnlyList<OutputColumnSpec> Declare(string vector, string vectorOutput, string score, string predictedLabel, IReadOnlyList<string> candidates) =>
    [
        new(vector, vectorOutput, OutputColumnKind.Vector),
        new(score, ZeroShotModels.Scores, OutputColumnKind.Vector, candidates),
        new(predictedLabel, ZeroShotModels.Scores, OutputColumnKind.PredictedKey, candidates),
    ];

    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Lists(IReadOnlyList<string> seen, IReadOnlyList<string> candidates) =>
        new Dictionary<string, IReadOnlyList<string>> { [Seen] = seen.ToArray(), [Candidates] = candidates.ToArray() };
}
