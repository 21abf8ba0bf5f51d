using TorchSharp;
using TransferLearning.ML.Torch.Models;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Modules;

/// <summary>The votes of the k nearest reference rows; see <see cref="NeighborVotesSpec"/>.</summary>
internal sealed class NeighborVotesHead : HeadModule
{
    // Field names are the checkpoint contract: renaming them breaks saved models.
    private readonly Tensor table;
    private readonly Tensor labels;
    private readonly int _classes, _neighbors;
    private readonly CandidateMatching _matching;

    public NeighborVotesHead(int references, int length, int classes, int neighbors, CandidateMatching matching) : base(nameof(NeighborVotesHead), classes)
    {
        table = Buffer(nameof(table), references, length);
        labels = Buffer(nameof(labels), references, 1);
        _classes = classes;
        _neighbors = neighbors;
        _matching = matching;
    }

    public override Tensor forward(Tensor input)
    {
        var similarity = CandidateScoresHead.Scores(input, table, _matching);
        var (_, nearest) = similarity.topk(_neighbors, dim: 1, largest: true, sorted: true);
        var votedClasses = labels.squeeze(1).to_type(ScalarType.Int64)[nearest];
        // Each vote counts 1 plus a tie-break (below 0.001 votes over all k) that favours nearer neighbours:
        // a class with more votes always wins, equal counts go to the class whose voters rank higher, and
        // the scores stay the vote shares to within 0.1 %.
        var rank = torch.arange(_neighbors, dtype: ScalarType.Float32, device: input.device);
        var weight = (1 + (_neighbors - rank) * (1e-3 / ((double)_neighbors * _neighbors))).expand(input.shape[0], _neighbors);
        var votes = torch.zeros(input.shape[0], _classes, device: input.device).scatter_add_(1, votedClasses, weight);
        return votes / votes.sum(1, keepdim: true);
    }
}
