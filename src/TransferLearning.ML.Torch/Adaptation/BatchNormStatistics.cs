using TorchSharp;
using TorchSharp.Modules;
using TransferLearning.ML.Torch.Modules;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Adaptation;

/// <summary>
/// AdaBN (Li, Wang, Shi, Liu and Hou 2017): a network's batch-norm statistics re-estimated on the
/// target domain, so that at prediction time every layer normalises target features with target
/// statistics. Weights are untouched.
/// </summary>
internal static class BatchNormStatistics
{
    /// <summary>Whether the network has batch-norm layers.</summary>
    public static bool HasBatchNorm(Network network) => Norms(network).Any();

    /// <summary>Replaces every batch-norm layer's running mean and variance with their averages over <paramref name="rows"/>.</summary>
    public static void Recompute(Network network, Tensor rows, int chunk = 512)
    {
        var norms = Norms(network).ToArray();
        if (norms.Length == 0) throw new InvalidOperationException("The network has no batch-norm layers to re-estimate.");
        var momentum = norms.Select(n => n.momentum).ToArray();
        network.eval();
        foreach (var norm in norms)
        {
            norm.reset_running_stats();
            norm.momentum = null; // a cumulative average over the chunks
            norm.train();
        }
        try
        {
            using var noGrad = torch.no_grad();
            long count = rows.shape[0];
            for (long start = 0; start < count; start += chunk)
            {
                using var scope = torch.NewDisposeScope();
                network.Features(rows.narrow(0, start, Math.Min(chunk, count - start)));
            }
        }
        finally
        {
            for (int i = 0; i < norms.Length; i++)
            {
                norms[i].momentum = momentum[i];
                norms[i].eval();
            }
        }
    }

    private static IEnumerable<NormBase> Norms(Network network) => network.modules().OfType<NormBase>();
}
