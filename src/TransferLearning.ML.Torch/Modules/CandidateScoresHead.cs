using TorchSharp;
using TransferLearning.ML.Torch.Models;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Modules;

/// <summary>Scores every row against the candidate table (buffer <c>table</c>); see <see cref="CandidateScoresSpec"/>.</summary>
internal sealed class CandidateScoresHead : HeadModule
{
    private const double Epsilon = 1e-6;

    // Field names are the checkpoint contract: renaming them breaks saved models.
    private readonly Tensor table;
    private readonly CandidateMatching _matching;
    private readonly bool _probabilities;
    private readonly float[]? _offsets;
    private Tensor? _offsetTensor;

    public CandidateScoresHead(int candidates, int length, CandidateMatching matching, bool probabilities, float[]? offsets = null) : base(nameof(CandidateScoresHead), candidates)
    {
        table = Buffer(nameof(table), candidates, length);
        _matching = matching;
        _probabilities = probabilities;
        _offsets = offsets;
    }

    public override Tensor forward(Tensor input) => Scores(input, table, _matching);

    public override Tensor Infer(Tensor input)
    {
        var scores = forward(input);
        // DAP's scores are log-likelihoods: normalised over the candidates they are its posterior p(class | x);
        // prototype classifiers normalise negative distances the same way.
        var output = _probabilities ? nn.functional.softmax(scores, 1) : scores;
        if (_offsets is null) return output;
        // The spec's constants, made once on the table's device (outside any dispose scope, freed with the module).
        if (_offsetTensor is null || _offsetTensor.device_type != table.device_type || _offsetTensor.device_index != table.device_index)
        {
            _offsetTensor?.Dispose();
            _offsetTensor = torch.tensor(_offsets, device: table.device).DetachFromDisposeScope();
        }
        return output - _offsetTensor;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _offsetTensor?.Dispose();
        base.Dispose(disposing);
    }

    /// <summary>Scores of every row of <paramref name="input"/> against every row of <paramref name="candidates"/>; larger is better.</summary>
    public static Tensor Scores(Tensor input, Tensor candidates, CandidateMatching matching) => matching switch
    {
        CandidateMatching.AttributeLikelihood =>
            input.clamp(Epsilon, 1 - Epsilon).log().matmul(candidates.t()) + (1 - input).clamp(Epsilon, 1 - Epsilon).log().matmul((1 - candidates).t()),
        CandidateMatching.Cosine => Cosine(input, candidates),
        CandidateMatching.NegativeEuclidean => -(input.unsqueeze(1) - candidates.unsqueeze(0)).square().sum(2).sqrt(),
        CandidateMatching.NegativeSquaredEuclidean => -(input.unsqueeze(1) - candidates.unsqueeze(0)).square().sum(2),
        CandidateMatching.MultinomialLogLikelihood => (input / input.sum(1, keepdim: true).clamp_min(1e-30)).matmul(candidates.t()),
        CandidateMatching.Dot => input.matmul(candidates.t()),
        _ => throw new ArgumentOutOfRangeException(nameof(matching), matching, "Unknown matching."),
    };

    /// <summary>Cosine similarity of every row of <paramref name="a"/> with every row of <paramref name="b"/>.</summary>
    public static Tensor Cosine(Tensor a, Tensor b) =>
        nn.functional.normalize(a, p: 2, dim: 1, eps: 1e-8).matmul(nn.functional.normalize(b, p: 2, dim: 1, eps: 1e-8).t());
}
