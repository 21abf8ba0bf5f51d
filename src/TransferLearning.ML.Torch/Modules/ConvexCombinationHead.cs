using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Modules;

/// <summary>ConSE's convex combination of the top-T seen classes' embeddings (buffer <c>table</c>); see <c>ConvexCombinationSpec</c>.</summary>
internal sealed class ConvexCombinationHead : HeadModule
{
    // Field names are the checkpoint contract: renaming them breaks saved models.
    private readonly Tensor table;
    private readonly int _topCount;

    public ConvexCombinationHead(int seen, int length, int topCount) : base(nameof(ConvexCombinationHead), length)
    {
        table = Buffer(nameof(table), seen, length);
        _topCount = topCount;
    }

    public override Tensor forward(Tensor input)
    {
        var (values, indices) = input.topk(_topCount, dim: 1);
        var weights = values / values.sum(1, keepdim: true).clamp_min(1e-12);
        return (weights.unsqueeze(2) * table.index_select(0, indices.flatten()).view(input.shape[0], _topCount, OutputSize)).sum(1);
    }
}
