using TorchSharp;
using TransferLearning.ML.Torch.Metric;
using TransferLearning.ML.Torch.Training.Sampling;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.MetaLearning;

/// <summary>
/// N-way K-shot evaluation: many episodes drawn from the rows' classes (the same draw for a given
/// seed and data, whatever the method), each scored by the accuracy of its queries.
/// </summary>
internal static class FewShotEpisodes
{
    /// <summary>The query accuracy of each of <paramref name="episodes"/> episodes.</summary>
    /// <param name="labels">Class of every row.</param>
    /// <param name="ways">N.</param>
    /// <param name="shots">K.</param>
    /// <param name="queries">Q.</param>
    /// <param name="episodes">How many episodes.</param>
    /// <param name="seed">Seeds the draw.</param>
    /// <param name="predict">
    /// Given an episode (support rows grouped by class, then the queries), the predicted position
    /// (0..N-1) of each query's class; runs inside a dispose scope.
    /// </param>
    public static double[] Accuracies(long[] labels, int ways, int shots, int queries, int episodes, int seed, Func<Batch, Tensor> predict)
    {
        var rows = Enumerable.Range(0, labels.Length).Select(i => (long)i).ToArray();
        using var sampler = new EpisodeSampler(rows, labels, ways, shots, queries, episodes, torch.CPU);
        sampler.StartEpoch(new Random(seed));
        var accuracies = new double[episodes];
        for (int e = 0; e < episodes; e++)
        {
            using var scope = torch.NewDisposeScope();
            var predicted = predict(sampler.Next(e));
            var targets = Prototypes.GroupTargets(ways, queries, predicted.device);
            accuracies[e] = predicted.eq(targets).to_type(ScalarType.Float32).mean().item<float>();
        }
        return accuracies;
    }

    /// <summary>Nearest-prototype predictions on precomputed embeddings (prototypical networks, or any embedding + nearest centroid).</summary>
    public static Func<Batch, Tensor> NearestPrototype(Tensor embeddings, int ways) => batch =>
        Prototypes.Logits(embeddings.index_select(0, batch.Second!), Prototypes.OfGroups(embeddings.index_select(0, batch.Rows), ways)).argmax(1);
}
