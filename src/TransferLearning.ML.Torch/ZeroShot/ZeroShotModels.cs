using TorchSharp;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Networks;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.ZeroShot;

/// <summary>
/// The models of the zero-shot methods on the model contract: a head producing a vector per row
/// (predicted attributes, or an embedding) followed by a candidate-scores head holding the
/// candidate classes' table as a buffer.
/// </summary>
internal static class ZeroShotModels
{
    public const string Attributes = "attributes";
    public const string Embedding = "embedding";
    public const string Scores = "scores";

    /// <summary>DAP (Lampert et al. 2009): attributes (sigmoid for binary tables), matched against the candidates' descriptions.</summary>
    public static ModelSpec AttributePrediction(NetworkSpec trunk, int attributes, bool binary, int candidates, CandidateMatching matching, float[]? offsets = null) => new()
    {
        Trunk = trunk,
        Heads = [new RegressionHeadSpec(Attributes, attributes) { Sigmoid = binary }, new CandidateScoresSpec(Scores, Attributes, candidates, matching) { Offsets = offsets }],
    };

    /// <summary>DeViSE / ALE: f(x), scored by the dot product with the candidates' embeddings W φ(y).</summary>
    public static ModelSpec AttributeEmbedding(NetworkSpec trunk, int embedding, int candidates, float[]? offsets = null) => new()
    {
        Trunk = trunk,
        Heads = [new EmbeddingHeadSpec(Embedding, embedding), new CandidateScoresSpec(Scores, Embedding, candidates, CandidateMatching.Dot) { Offsets = offsets }],
    };

    /// <summary>ConSE (Norouzi et al. 2013) on a seen-class probability vector: no blocks, the convex combination, cosine to the candidates.</summary>
    public static ModelSpec ConSE(int seen, int length, int topCount, int candidates, float[]? offsets = null) => new()
    {
        Trunk = new NetworkSpec { InputShape = [seen] },
        Heads = [new ConvexCombinationSpec(Embedding, null, length, topCount), new CandidateScoresSpec(Scores, Embedding, candidates, CandidateMatching.Cosine) { Offsets = offsets }],
    };

    /// <summary>Calibrated stacking's offsets: <paramref name="penalty"/> for each seen candidate, 0 for the others; null when nothing is offset.</summary>
    public static float[]? SeenOffsets(IReadOnlyList<string> seen, IReadOnlyList<string> candidates, double penalty)
    {
        if (penalty == 0 || !candidates.Any(seen.Contains)) return null;
        return candidates.Select(c => seen.Contains(c) ? (float)penalty : 0f).ToArray();
    }

    /// <summary>The matching of an <see cref="AttributeMatching"/> option.</summary>
    public static CandidateMatching Matching(AttributeMatching matching) => matching switch
    {
        AttributeMatching.DirectAttributePrediction => CandidateMatching.AttributeLikelihood,
        AttributeMatching.Cosine => CandidateMatching.Cosine,
        AttributeMatching.Euclidean => CandidateMatching.NegativeEuclidean,
        _ => throw new ArgumentOutOfRangeException(nameof(matching), matching, "Unknown matching."),
    };

    /// <summary>The candidates' embeddings W φ(y): <paramref name="table"/> [candidates, attributes] times Wᵀ, W = <paramref name="projection"/> [embedding, attributes].</summary>
    public static float[] CandidateEmbeddings(float[] table, int candidates, float[] projection, int embedding)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        int attributes = table.Length / candidates;
        var w = torch.tensor(projection, [embedding, attributes]);
        return torch.tensor(table, [candidates, attributes]).matmul(w.t()).contiguous().data<float>().ToArray();
    }
}
