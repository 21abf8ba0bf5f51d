using TorchSharp;
using TransferLearning.ML.Torch.Metric;
using static TorchSharp.torch;

namespace TransferLearning.ML.Tests.Metric;

/// <summary>Every metric loss and miner against a naive loop over rows, pairs and triplets: value and gradient.</summary>
[TestClass]
public sealed class MetricLossTests
{
    private static readonly long[] Labels = [0, 0, 1, 1, 1, 2, 2];

    private static Tensor Embeddings(int seed)
    {
        torch.manual_seed(seed);
        return torch.randn(Labels.Length, 4).requires_grad_(true);
    }

    private static Tensor D(Tensor x, int i, int j, MetricDistance distance) => distance == MetricDistance.Euclidean
        ? (x[i] - x[j]).square().sum().clamp_min(1e-12).sqrt()
        : (x[i] * x[j]).sum() / (x[i].norm() * x[j].norm());

    private static double Gap(double toPositive, double toNegative, MetricDistance distance) =>
        distance == MetricDistance.Euclidean ? toNegative - toPositive : toPositive - toNegative;

    private static IEnumerable<(int A, int P, int N)> Triplets()
    {
        for (int a = 0; a < Labels.Length; a++)
            for (int p = 0; p < Labels.Length; p++)
                for (int n = 0; n < Labels.Length; n++)
                    if (p != a && Labels[p] == Labels[a] && Labels[n] != Labels[a]) yield return (a, p, n);
    }

    /// <summary>The same loss by a naive loop and by the library, and their gradients with respect to the embeddings.</summary>
    private static void AssertSame(Func<Tensor, Tensor> naive, Func<Tensor, Tensor, Tensor> library, string what)
    {
        foreach (int seed in new[] { 1, 2, 3 })
        {
            using var scope = torch.NewDisposeScope();
            var x1 = Embeddings(seed);
            var expected = naive(x1);
            expected.backward();
            var x2 = Embeddings(seed);
            var actual = library(x2, torch.tensor(Labels));
            actual.backward();
            Assert.AreEqual(expected.item<float>(), actual.item<float>(), 1e-5, $"{what}, seed {seed}: value");
            Assert.IsTrue(x1.grad!.allclose(x2.grad!, 1e-4, 1e-5), $"{what}, seed {seed}: gradient");
        }
    }

    [TestMethod]
    public void TripletLossOverAllTripletsMatchesANaiveLoop()
    {
        foreach (var distance in new[] { MetricDistance.Euclidean, MetricDistance.Cosine })
            AssertSame(x =>
            {
                var terms = Triplets().Select(t => (0.5 - Gap(x, t, distance)).clamp_min(0)).ToArray();
                return torch.stack(terms).mean();
            }, (x, y) => MetricLosses.Triplet(x, y, TripletMining.All, distance, 0.5), $"triplet, all, {distance}");
    }

    private static Tensor Gap(Tensor x, (int A, int P, int N) t, MetricDistance distance) =>
        distance == MetricDistance.Euclidean ? D(x, t.A, t.N, distance) - D(x, t.A, t.P, distance) : D(x, t.A, t.P, distance) - D(x, t.A, t.N, distance);

    [TestMethod]
    public void BatchHardTakesTheFarthestPositiveAndTheClosestNegative()
    {
        foreach (var distance in new[] { MetricDistance.Euclidean, MetricDistance.Cosine })
            AssertSame(x =>
            {
                var terms = new List<Tensor>();
                for (int a = 0; a < Labels.Length; a++)
                {
                    var value = (int i) => D(x, a, i, distance).item<float>();
                    bool similarity = distance == MetricDistance.Cosine;
                    var positives = Enumerable.Range(0, Labels.Length).Where(p => p != a && Labels[p] == Labels[a]).ToArray();
                    var negatives = Enumerable.Range(0, Labels.Length).Where(n => Labels[n] != Labels[a]).ToArray();
                    int p = similarity ? positives.MinBy(value) : positives.MaxBy(value);
                    int n = similarity ? negatives.MaxBy(value) : negatives.MinBy(value);
                    terms.Add((0.3 - Gap(x, (a, p, n), distance)).clamp_min(0));
                }
                return torch.stack(terms).mean();
            }, (x, y) => MetricLosses.Triplet(x, y, TripletMining.BatchHard, distance, 0.3), $"triplet, batch-hard, {distance}");
    }

    [TestMethod]
    public void SemiHardKeepsTheTripletsWhoseNegativeIsFartherButWithinTheMargin()
    {
        foreach (var distance in new[] { MetricDistance.Euclidean, MetricDistance.Cosine })
        {
            double margin = distance == MetricDistance.Euclidean ? 1.0 : 0.5;
            using var scope = torch.NewDisposeScope();
            var x = Embeddings(4);
            var expected = Triplets().Where(t => Gap(x, t, distance).item<float>() is float g && g > 0 && g < margin).ToHashSet();
            var (a, p, n) = TripletMiners.Mine(x, torch.tensor(Labels), TripletMining.SemiHard, distance, margin);
            var mined = Enumerable.Range(0, (int)a.shape[0]).Select(i => ((int)a[i].item<long>(), (int)p[i].item<long>(), (int)n[i].item<long>())).ToHashSet();
            Assert.IsTrue(expected.SetEquals(mined), $"{distance}: expected {expected.Count} triplets, mined {mined.Count}");
            Assert.IsNotEmpty(expected, "the example has semi-hard triplets");
            AssertSame(e => torch.stack(Triplets().Where(t => Gap(e, t, distance).item<float>() is float g && g > 0 && g < margin)
                    .Select(t => (margin - Gap(e, t, distance)).clamp_min(0)).ToArray()).mean(),
                (e, y) => MetricLosses.Triplet(e, y, TripletMining.SemiHard, distance, margin), $"triplet, semi-hard, {distance}");
        }
    }

    [TestMethod]
    public void ContrastiveLossMatchesANaiveLoopOverPairs()
    {
        foreach (var (distance, positiveMargin, negativeMargin) in new[] { (MetricDistance.Euclidean, 0.0, 2.0), (MetricDistance.Cosine, 1.0, 0.0) })
            AssertSame(x =>
            {
                var terms = new List<Tensor>();
                for (int i = 0; i < Labels.Length; i++)
                    for (int j = 0; j < Labels.Length; j++)
                    {
                        if (i == j) continue;
                        var d = D(x, i, j, distance);
                        bool similarity = distance == MetricDistance.Cosine;
                        var term = Labels[i] == Labels[j]
                            ? (similarity ? positiveMargin - d : d - positiveMargin).clamp_min(0).square()
                            : (similarity ? d - negativeMargin : negativeMargin - d).clamp_min(0).square();
                        if (term.item<float>() > 0) terms.Add(term);
                    }
                return torch.stack(terms).mean();
            }, (x, y) => MetricLosses.Contrastive(x, y, distance, positiveMargin, negativeMargin), $"contrastive, {distance}");
    }

    [TestMethod]
    public void NtXentMatchesANaiveLoop()
    {
        const double temperature = 0.5;
        AssertSame(x =>
        {
            var terms = new List<Tensor>();
            for (int a = 0; a < Labels.Length; a++)
            {
                var others = Enumerable.Range(0, Labels.Length).Where(k => k != a).Select(k => D(x, a, k, MetricDistance.Cosine) / temperature).ToArray();
                var logDenominator = torch.stack(others).logsumexp(0);
                for (int p = 0; p < Labels.Length; p++)
                    if (p != a && Labels[p] == Labels[a]) terms.Add(logDenominator - D(x, a, p, MetricDistance.Cosine) / temperature);
            }
            return torch.stack(terms).mean();
        }, (x, y) => MetricLosses.NtXent(x, y, temperature), "NT-Xent");
    }

    [TestMethod]
    public void ABatchWithoutTripletsHasZeroLoss()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(3, 4).requires_grad_(true);
        var loss = MetricLosses.Triplet(x, torch.tensor(new long[] { 0, 1, 2 }), TripletMining.All, MetricDistance.Euclidean, 1);
        Assert.AreEqual(0f, loss.item<float>());
        loss.backward();
        Assert.AreEqual(0f, x.grad!.abs().sum().item<float>());
    }
}
