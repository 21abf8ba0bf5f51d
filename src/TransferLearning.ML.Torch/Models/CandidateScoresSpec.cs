using System.Text.Json.Serialization;
using TransferLearning.ML.Torch.Modules;

namespace TransferLearning.ML.Torch.Models;

/// <summary>How <see cref="CandidateScoresSpec"/> compares a row's vector with each candidate's.</summary>
public enum CandidateMatching
{
    /// <summary>
    /// Direct attribute prediction (Lampert et al. 2009): the input holds attribute probabilities,
    /// each candidate binary attributes; score = Σ_m log p(a_m = a_m^c | x), normalised over the
    /// candidates by a softmax (the posterior p(c | x)).
    /// </summary>
    AttributeLikelihood,

    /// <summary>Cosine similarity.</summary>
    Cosine,

    /// <summary>Negative Euclidean distance (nearest prototype first).</summary>
    NegativeEuclidean,

    /// <summary>Dot product (a compatibility score, as in DeViSE / ALE).</summary>
    Dot,

    /// <summary>Negative squared Euclidean distance (prototypical networks' logits; Snell et al. 2017).</summary>
    NegativeSquaredEuclidean,

    /// <summary>
    /// Σ_z p(z | x) · t_z: the row divided by its sum (a distribution over its features) against a
    /// table of log-probabilities — the expected log-likelihood of each candidate distribution, whose
    /// maximum is the candidate nearest in KL divergence (co-clustering's assignment).
    /// </summary>
    MultinomialLogLikelihood,
}

/// <summary>
/// Scores each row against a fixed table of candidate vectors (class descriptions, class
/// embeddings or prototypes), stored as the buffer <c>heads.{name}.table</c> [candidates, length].
/// No parameters: the table is set when the model is built and saved with it.
/// </summary>
/// <param name="name">The head's name.</param>
/// <param name="input">The head whose output is compared; null for the trunk's features.</param>
/// <param name="candidates">Number of candidates; at least 1.</param>
/// <param name="matching">The comparison.</param>
public sealed class CandidateScoresSpec(string name, string? input, int candidates, CandidateMatching matching) : HeadSpec(name, input)
{
    /// <summary>Number of candidates (rows of the table).</summary>
    public int Candidates { get; init; } = candidates;

    /// <summary>The comparison.</summary>
    public CandidateMatching Matching { get; init; } = matching;

    /// <summary>
    /// Whether inference turns the scores into probabilities over the candidates with a softmax (as
    /// prototypical networks do with negative distances; Snell et al. 2017). Default false; attribute
    /// likelihoods are always normalised.
    /// </summary>
    public bool Probabilities { get; init; }

    /// <summary>
    /// A constant per candidate subtracted from the inference output (after any softmax): calibrated
    /// stacking (Chao et al. 2016) subtracts one penalty from every seen class's score so that
    /// generalised zero-shot models stop giving almost every row to a seen class. Default null (none);
    /// otherwise one finite value per candidate.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<float>? Offsets { get; init; }

    /// <inheritdoc />
    public override int OutputSize(int inputSize)
    {
        RequirePositive(Candidates, "Candidates");
        RequirePositive(inputSize, "The input size");
        if (!Enum.IsDefined(Matching)) throw Invalid($"unknown matching {(int)Matching}.");
        if (Offsets is not null && (Offsets.Count != Candidates || Offsets.Any(o => !float.IsFinite(o))))
            throw Invalid($"Offsets must hold one finite value per candidate ({Candidates}); it has {Offsets.Count}{(Offsets.Any(o => !float.IsFinite(o)) ? ", not all finite" : "")}.");
        return Candidates;
    }

    internal override long StoredValues(int inputSize) => (long)Candidates * inputSize;

    internal override HeadModule CreateModule(int inputSize) => new CandidateScoresHead(OutputSize(inputSize), inputSize, Matching,
        Probabilities || Matching == CandidateMatching.AttributeLikelihood, Offsets?.ToArray());
}
