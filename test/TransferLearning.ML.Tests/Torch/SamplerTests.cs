using TorchSharp;
using TransferLearning.ML.Torch.Training.Sampling;

namespace TransferLearning.ML.Tests.Torch;

[TestClass]
public sealed class SamplerTests
{
    private static long[] Values(torch.Tensor t) => t.data<long>().ToArray();

    private static long[] Range(int n) => Enumerable.Range(0, n).Select(i => (long)i).ToArray();

    [TestMethod]
    public void UniformBatchesCoverEveryRowOncePerEpoch()
    {
        using var sampler = new UniformRowSampler([3, 5, 7, 9, 11, 13, 15], 3, torch.CPU);
        Assert.AreEqual(3, sampler.StepsPerEpoch);
        var random = new Random(1);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            sampler.StartEpoch(random);
            var rows = Enumerable.Range(0, 3).SelectMany(s => Values(sampler.Next(s).Rows)).ToArray();
            CollectionAssert.AreEquivalent(new long[] { 3, 5, 7, 9, 11, 13, 15 }, rows, $"epoch {epoch}");
        }
    }

    [TestMethod]
    public void TwoDomainBatchesPairEverySourceRowWithATargetRow()
    {
        using var sampler = new TwoDomainSampler(Range(10), 4, targetRows: 6, seed: 2, torch.CPU);
        sampler.StartEpoch(new Random(0));
        var batch = sampler.Next(0);
        Assert.AreEqual(4, batch.Rows.shape[0]);
        Assert.AreEqual(4, batch.Second!.shape[0]);
        Assert.IsTrue(Values(batch.Second).All(r => r is >= 0 and < 6));
        Assert.Throws<ArgumentException>(() => new TwoDomainSampler(Range(10), 4, targetRows: 0, seed: 2, torch.CPU));
    }

    [TestMethod]
    public void ClassBalancedBatchesHoldKRowsOfPDistinctClasses()
    {
        var labels = Enumerable.Range(0, 60).Select(i => (long)(i % 6)).ToArray(); // 6 classes, 10 rows each
        using var sampler = new ClassBalancedSampler(Range(60), labels, classesPerBatch: 3, rowsPerClass: 4, torch.CPU);
        Assert.AreEqual(5, sampler.StepsPerEpoch);
        sampler.StartEpoch(new Random(3));
        var seenClasses = new HashSet<long>();
        for (int s = 0; s < 20; s++)
        {
            var rows = Values(sampler.Next(s).Rows);
            Assert.HasCount(12, rows);
            var groups = rows.Chunk(4).ToArray();
            Assert.IsTrue(groups.All(g => g.Select(r => labels[r]).Distinct().Count() == 1), "each group of K rows is one class");
            Assert.AreEqual(3, groups.Select(g => labels[g[0]]).Distinct().Count(), "P distinct classes");
            Assert.IsTrue(groups.All(g => g.Distinct().Count() == 4), "no row twice when the class has K rows or more");
            foreach (var g in groups) seenClasses.Add(labels[g[0]]);
        }
        Assert.HasCount(6, seenClasses, "every class gets drawn");
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new ClassBalancedSampler(Range(60), labels, 7, 2, torch.CPU));
        StringAssert.Contains(e.Message, "P (classes per batch) must be in [2, 6]");
    }

    [TestMethod]
    public void AClassWithFewerThanKRowsIsDrawnWithReplacement()
    {
        long[] labels = [0, 0, 0, 0, 1];
        using var sampler = new ClassBalancedSampler(Range(5), labels, 2, 3, torch.CPU);
        sampler.StartEpoch(new Random(0));
        var rows = Values(sampler.Next(0).Rows);
        Assert.HasCount(6, rows);
        Assert.AreEqual(3, rows.Count(r => r == 4), "the one row of class 1 fills its K slots");
    }

    [TestMethod]
    public void EpisodesHaveNWaysKShotsAndDisjointQueries()
    {
        var labels = Enumerable.Range(0, 100).Select(i => (long)(i % 10)).ToArray();
        using var sampler = new EpisodeSampler(Range(100), labels, ways: 5, shots: 2, queries: 3, episodesPerEpoch: 7, torch.CPU);
        Assert.AreEqual(7, sampler.StepsPerEpoch);
        sampler.StartEpoch(new Random(4));
        for (int s = 0; s < 7; s++)
        {
            var episode = sampler.Next(s);
            var classes = Values(episode.Classes!);
            var support = Values(episode.Rows);
            var query = Values(episode.Second!);
            Assert.HasCount(5, classes.Distinct().ToArray());
            Assert.HasCount(10, support);
            Assert.HasCount(15, query);
            for (int n = 0; n < 5; n++)
            {
                Assert.IsTrue(support.Skip(n * 2).Take(2).All(r => labels[r] == classes[n]), "support grouped by class, in Classes order");
                Assert.IsTrue(query.Skip(n * 3).Take(3).All(r => labels[r] == classes[n]), "queries grouped by class, in Classes order");
            }
            Assert.IsFalse(support.Intersect(query).Any(), "a query is never in the support set");
        }
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new EpisodeSampler(Range(100), labels, 11, 2, 3, 1, torch.CPU));
        StringAssert.Contains(e.Message, "N (classes per episode) must be in [2, 10]");
    }

    [TestMethod]
    public void MultitaskBatchesListTheRowsThatHaveEachTasksLabel()
    {
        var present = new[] { Enumerable.Range(0, 8).Select(i => i % 2 == 0).ToArray(), Enumerable.Range(0, 8).Select(_ => true).ToArray() };
        using var sampler = new MultiTaskSampler(Range(8), present, 8, torch.CPU);
        sampler.StartEpoch(new Random(5));
        var batch = sampler.Next(0);
        var rows = Values(batch.Rows);
        var first = Values(batch.TaskRows![0]);
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 8).Where(i => rows[i] % 2 == 0).Select(i => (long)i).ToArray(), first);
        Assert.HasCount(8, Values(batch.TaskRows[1]));
        var none = new[] { new bool[8] };
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => new MultiTaskSampler(Range(8), none, 4, torch.CPU)).Message, "Task 0 has no labelled training row");
    }

    [TestMethod]
    public void TheSameSeedDrawsTheSameBatches()
    {
        var labels = Enumerable.Range(0, 40).Select(i => (long)(i % 4)).ToArray();
        long[] Draw()
        {
            using var sampler = new EpisodeSampler(Range(40), labels, 3, 2, 2, 3, torch.CPU);
            sampler.StartEpoch(new Random(9));
            return Enumerable.Range(0, 3).SelectMany(s => Values(sampler.Next(s).Rows)).ToArray();
        }
        CollectionAssert.AreEqual(Draw(), Draw());
    }
}
