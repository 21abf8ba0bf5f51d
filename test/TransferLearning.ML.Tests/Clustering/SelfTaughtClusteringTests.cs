using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Clustering;

namespace TransferLearning.ML.Tests.Clustering;

[TestClass]
public sealed class SelfTaughtClusteringTests
{
    /// <summary>
    /// Planted co-clusters: 3 row groups, each putting its mass on its own block of 8 of 24 count
    /// features (Poisson-like noise elsewhere); the auxiliary rows share the feature blocks.
    /// </summary>
    internal static IDataView Planted(MLContext ml, int rows, int seed, double signal = 6)
    {
        var random = new Random(seed);
        var data = Enumerable.Range(0, rows).Select(i =>
        {
            int group = i % 3;
            var counts = Enumerable.Range(0, 24).Select(z => (float)Math.Round(random.NextDouble() * (z / 8 == group ? signal : 1))).ToArray();
            counts[group * 8] += 1; // no all-zero row
            return new Row { Label = (uint)group, Features = counts }; // LoadFromEnumerable stores key = value + 1
        }).ToArray();
        return ml.Data.LoadFromEnumerable(data);
    }

    [TestMethod]
    public void ObjectiveNeverIncreasesAndPlantedClustersAreRecovered()
    {
        var ml = new MLContext(0);
        var target = Planted(ml, 30, 1);
        var auxiliary = Planted(ml, 300, 2);
        var estimator = ml.TransferLearning().SelfTaughtClustering(auxiliary, new SelfTaughtClusteringOptions { Clusters = 3, FeatureClusters = 3, Iterations = 10, Seed = 1 });
        using var model = estimator.Fit(target);
        var objective = estimator.Objective;
        for (int i = 1; i < objective.Count; i++)
            Assert.IsLessThanOrEqualTo(objective[i - 1] + 1e-12, objective[i], $"round {i + 1}: {objective[i - 1]} -> {objective[i]}");
        Assert.HasCount(10, objective, "the objective of the chosen start, round by round");
        var scored = model.Transform(target);
        var metrics = ml.TransferLearning().EvaluateClustering(scored);
        Assert.AreEqual(1.0, metrics.MatchedAccuracy, $"planted clusters: {metrics.MatchedAccuracy:P1} {string.Join(",", scored.GetColumn<uint>("Label"))} / {string.Join(",", scored.GetColumn<uint>("PredictedLabel"))} J {string.Join(" ", objective.Select(o => o.ToString("F4")))}");

        // New rows are assigned by the same rule.
        var fresh = Planted(ml, 30, 7);
        Assert.IsGreaterThan(0.9, ml.TransferLearning().EvaluateClustering(model.Transform(fresh)).MatchedAccuracy);
    }

    [TestMethod]
    public void PassesTheWorkoutAndRefusesBadData()
    {
        var ml = new MLContext(0);
        var target = Planted(ml, 12, 1);
        var auxiliary = Planted(ml, 60, 2);
        var options = new SelfTaughtClusteringOptions { Clusters = 3, FeatureClusters = 4, Iterations = 3 };
        Conformance.Workout.Run(ml.TransferLearning().SelfTaughtClustering(auxiliary, options), target, target).Dispose();

        var none = Assert.Throws<InvalidDataException>(() => ml.TransferLearning().SelfTaughtClustering(ml.Data.SkipRows(auxiliary, 1000), options).Fit(target));
        StringAssert.Contains(none.Message, "The auxiliary data: ");
        var many = Assert.Throws<InvalidDataException>(() => ml.TransferLearning().SelfTaughtClustering(auxiliary, new SelfTaughtClusteringOptions { Clusters = 13 }).Fit(target));
        StringAssert.Contains(many.Message, "Option Clusters is 13, but the target data has only 12 rows");
        var small = ml.Data.LoadFromEnumerable(new[] { new Small { Features = [1, 2, 3] } });
        var size = Assert.Throws<ArgumentOutOfRangeException>(() => ml.TransferLearning().SelfTaughtClustering(auxiliary, options).Fit(small));
        StringAssert.Contains(size.Message, "has 3 values per row, but the model expects 24");
        var negative = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 5).Select(i => new Row { Features = Enumerable.Range(0, 24).Select(z => z == 3 && i == 2 ? -1f : 1f).ToArray() }).ToArray());
        StringAssert.Contains(Assert.Throws<InvalidDataException>(() => ml.TransferLearning().SelfTaughtClustering(auxiliary, options).Fit(negative)).Message,
            "has -1 at row 2, slot 3");
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => ml.TransferLearning().SelfTaughtClustering(auxiliary, new SelfTaughtClusteringOptions { Clusters = 1 })).Message, "Clusters");
    }

    internal sealed class Row
    {
        [KeyType(3)]
        public uint Label { get; set; }

        [VectorType(24)]
        public float[] Features { get; set; } = [];
    }

    private sealed class Small
    {
        [VectorType(3)]
        public float[] Features { get; set; } = [];
    }
}
