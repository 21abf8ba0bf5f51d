using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Clustering;

namespace TransferLearning.ML.Tests.Clustering;

[TestClass]
public sealed class ClusteringAgreementMetricsTests
{
    [TestMethod]
    public void ScoresEqualHandComputations()
    {
        var same = ClusteringAgreementMetrics.Compute([0, 0, 1, 1], [7, 7, 3, 3]);
        Assert.AreEqual(1.0, same.NormalizedMutualInformation, 1e-12, "renumbered clusters are the same partition");
        Assert.AreEqual(1.0, same.AdjustedRandIndex, 1e-12);
        Assert.AreEqual(1.0, same.MatchedAccuracy);

        // Classes {0,1,2} {3,4,5}; clusters {0,1} {2,3} {4,5}. H(classes) = ln 2, H(clusters) = ln 3,
        // I = 2/3 ln 2 (cells of 2 rows each contribute 1/3 ln 2, cells of 1 row nothing).
        var split = ClusteringAgreementMetrics.Compute([0, 0, 0, 1, 1, 1], [0, 0, 1, 1, 2, 2]);
        Assert.AreEqual(2.0 / 3 * Math.Log(2) / ((Math.Log(2) + Math.Log(3)) / 2), split.NormalizedMutualInformation, 1e-12);
        // Rand: same-group pairs 2 (cells), class pairs 3+3, cluster pairs 1+1+1, all pairs 15:
        // expected 6·3/15 = 1.2, max (6+3)/2 = 4.5, ARI = (2 − 1.2)/(4.5 − 1.2).
        Assert.AreEqual((2 - 1.2) / (4.5 - 1.2), split.AdjustedRandIndex, 1e-12);
        Assert.AreEqual(4.0 / 6, split.MatchedAccuracy, 1e-12, "class 0 to cluster 0, class 1 to cluster 2");
        Assert.AreEqual(3, split.Clusters);

        var random = ClusteringAgreementMetrics.Compute([0, 0, 1, 1], [0, 1, 0, 1]);
        Assert.AreEqual(0.0, random.NormalizedMutualInformation, 1e-12);
        Assert.IsLessThan(0.0, random.AdjustedRandIndex, "worse than chance");
        Assert.AreEqual(0.5, random.MatchedAccuracy);
    }

    [TestMethod]
    public void TheMatchingIsTheBestOfAllPermutations()
    {
        var random = new Random(4);
        foreach (var (rows, columns) in new[] { (5, 5), (3, 6), (6, 3), (1, 4) })
            for (int trial = 0; trial < 20; trial++)
            {
                var table = new long[rows, columns];
                for (int i = 0; i < rows; i++)
                    for (int j = 0; j < columns; j++) table[i, j] = random.Next(0, 20);
                // Brute force: every injective map of the smaller side into the larger.
                long best = 0;
                int small = Math.Min(rows, columns), large = Math.Max(rows, columns);
                foreach (var chosen in Permutations(Enumerable.Range(0, large).ToArray(), small))
                    best = Math.Max(best, chosen.Select((c, k) => rows <= columns ? table[k, c] : table[c, k]).Sum());
                var classes = new List<long>();
                var clusters = new List<long>();
                for (int i = 0; i < rows; i++)
                    for (int j = 0; j < columns; j++)
                        for (long k = 0; k < table[i, j]; k++)
                        {
                            classes.Add(i);
                            clusters.Add(j);
                        }
                if (classes.Count == 0) continue;
                var metrics = ClusteringAgreementMetrics.Compute(classes, clusters);
                Assert.AreEqual(best, Math.Round(metrics.MatchedAccuracy * classes.Count), $"{rows}x{columns}, trial {trial}");
            }
    }

    private static IEnumerable<int[]> Permutations(int[] items, int length)
    {
        if (length == 0)
        {
            yield return [];
            yield break;
        }
        for (int i = 0; i < items.Length; i++)
            foreach (var rest in Permutations(items.Where((_, k) => k != i).ToArray(), length - 1))
                yield return [items[i], .. rest];
    }

    [TestMethod]
    public void EvaluatesKMeansOutputAndRefusesWrongColumns()
    {
        var ml = new MLContext(0);
        var rows = Enumerable.Range(0, 60).Select(i => new Row { Label = $"c{i % 3}", Features = [i % 3 * 10 + (float)(i % 7) / 7, i % 3 * -5] }).ToArray();
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows));
        var clustered = ml.Clustering.Trainers.KMeans(numberOfClusters: 3).Fit(data).Transform(data);
        var metrics = ml.TransferLearning().EvaluateClustering(clustered);
        Assert.AreEqual(1.0, metrics.MatchedAccuracy, "three well-separated blobs");
        Assert.AreEqual(60, metrics.Rows);

        StringAssert.Contains(Assert.Throws<ArgumentOutOfRangeException>(() => ml.TransferLearning().EvaluateClustering(clustered, "Class")).Message, "Column 'Class' is not in the data");
        StringAssert.Contains(Assert.Throws<ArgumentOutOfRangeException>(() => ml.TransferLearning().EvaluateClustering(clustered, clusterColumnName: "Score")).Message,
            "expected a key or UInt32 column");
        Assert.Throws<ArgumentException>(() => ClusteringAgreementMetrics.Compute([1, 2], [1]));
    }

    private sealed class Row
    {
        public string Label { get; set; } = "";

        [VectorType(2)]
        public float[] Features { get; set; } = [];
    }
}
