using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Metric;

/// <summary>Class prototypes and the prototypical-network scores (Snell, Swersky and Zemel 2017).</summary>
internal static class Prototypes
{
    /// <summary>
    /// The mean of each class's rows, [ways, dims], for <paramref name="grouped"/> = [ways × shots, dims]
    /// grouped by class (as <c>EpisodeSampler</c> draws support sets).
    /// </summary>
    public static Tensor OfGroups(Tensor grouped, int ways) => grouped.view(ways, -1, grouped.shape[1]).mean([1]);

    /// <summary>Logits of every query for every prototype: minus the squared Euclidean distance (the paper's choice, a linear model in the embedding).</summary>
    public static Tensor Logits(Tensor queries, Tensor prototypes) =>
        -(queries.square().sum(1, keepdim: true) + prototypes.square().sum(1).unsqueeze(0) - queries.matmul(prototypes.t()) * 2);

    /// <summary>The episode targets 0..ways-1, each repeated <paramref name="perClass"/> times (rows grouped by class).</summary>
    public static Tensor GroupTargets(int ways, int perClass, Device device) =>
        torch.arange(ways, dtype: ScalarType.Int64, device: device).repeat_interleave(perClass);
}
