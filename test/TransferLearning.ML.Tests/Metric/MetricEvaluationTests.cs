using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Torch.Metric;

namespace TransferLearning.ML.Tests.Metric;

[TestClass]
public sealed class MetricEvaluationTests
{
    [TestMethod]
    public void RetrievalScoresEqualAHandComputation()
    {
        var ml = new MLContext(0);
        // Leave-one-out rankings on a line (a at 0, 1.1, 3; b at 2, 10), nearest first, hits within the first R:
        var data = NearestNeighborsTests.Keyed(ml, ("a", [0, 0]), ("a", [1.1f, 0]), ("a", [3, 0]), ("b", [2, 0]), ("b", [10, 0]));
        // a0: a1 (1.1), b2 (2), a3 (3)        -> [hit, miss]:  P@1 1, R-prec 1/2, AP 1/2
        // a1: b2 (0.9), a0 (1.1), a3 (1.9)    -> [miss, hit]:  0, 1/2, 1/4
        // a3: b2 (1), a1 (1.9), a0 (3)        -> [miss, hit]:  0, 1/2, 1/4
        // b2: a1 (0.9), a3 (1), ...           -> [miss]:       0, 0, 0
        // b10: a3 (7), ...                    -> [miss]:       0, 0, 0
        var metrics = ml.TransferLearning().EvaluateRetrieval(data);
        Assert.AreEqual(5, metrics.Queries);
        Assert.AreEqual(1.0 / 5, metrics.PrecisionAt1, 1e-9);
        Assert.AreEqual(1.5 / 5, metrics.RPrecision, 1e-9);
        Assert.AreEqual(1.0 / 5, metrics.MeanAveragePrecisionAtR, 1e-9);

        // Cosine on directions: two tight bundles retrieve perfectly.
        var bundles = NearestNeighborsTests.Keyed(ml, ("a", [1, 0.1f]), ("a", [1, 0]), ("a", [2, 0.1f]), ("b", [0, 1]), ("b", [0.1f, 3]));
        var cosine = ml.TransferLearning().EvaluateRetrieval(bundles, distance: MetricDistance.Cosine);
        Assert.AreEqual(1.0, cosine.PrecisionAt1);
        Assert.AreEqual(1.0, cosine.MeanAveragePrecisionAtR, 1e-9);
    }

    [TestMethod]
    public void RetrievalRefusesDataWithNothingToRetrieve()
    {
        var ml = new MLContext(0);
        var single = NearestNeighborsTests.Keyed(ml, ("a", [0, 0]), ("b", [1, 0]));
        var error = Assert.Throws<InvalidDataException>(() => ml.TransferLearning().EvaluateRetrieval(single));
        StringAssert.Contains(error.Message, "no class has two rows");
    }

    [TestMethod]
    public void FewShotEvaluationScoresEpisodesWithAConfidenceInterval()
    {
        var ml = new MLContext(0);
        var random = new Random(3);
        // 6 classes in 2-D: 4 far apart and tight, 2 overlapping (classes e and f share a centre).
        var rows = new List<(string, float[])>();
        var centres = new[] { (0f, 0f), (20f, 0f), (0f, 20f), (20f, 20f), (40f, 40f), (40f, 40f) };
        for (int c = 0; c < centres.Length; c++)
            for (int i = 0; i < 8; i++)
                rows.Add(($"{(char)('a' + c)}", [centres[c].Item1 + (float)random.NextDouble(), centres[c].Item2 + (float)random.NextDouble()]));
        var data = NearestNeighborsTests.Keyed(ml, rows.ToArray());
        var separable = ml.Data.FilterByCustomPredicate<KeyRow>(data, r => r.Label > 4); // drops e and f
        var perfect = ml.TransferLearning().EvaluateFewShot(separable, ways: 4, shots: 2, queries: 3, episodes: 20);
        Assert.AreEqual(1.0, perfect.Accuracy, "four separated classes");
        Assert.AreEqual(0.0, perfect.ConfidenceInterval95);
        Assert.AreEqual(20, perfect.Episodes);

        var mixed = ml.TransferLearning().EvaluateFewShot(data, ways: 5, shots: 1, queries: 3, episodes: 200, seed: 1);
        Assert.IsTrue(mixed.Accuracy < 0.99 && mixed.Accuracy > 0.7, $"episodes holding both e and f miss some queries: {mixed}");
        Assert.IsTrue(mixed.ConfidenceInterval95 > 0 && mixed.ConfidenceInterval95 < 0.05, mixed.ToString());
        Assert.AreEqual(mixed.Accuracy, ml.TransferLearning().EvaluateFewShot(data, ways: 5, shots: 1, queries: 3, episodes: 200, seed: 1).Accuracy, "same seed, same episodes");

        var ways = Assert.Throws<ArgumentOutOfRangeException>(() => ml.TransferLearning().EvaluateFewShot(data, ways: 7, shots: 1, queries: 3));
        StringAssert.Contains(ways.Message, "ways (N) must be in [2, 6]");
        var shots = Assert.Throws<ArgumentOutOfRangeException>(() => ml.TransferLearning().EvaluateFewShot(data, ways: 2, shots: 6, queries: 3));
        StringAssert.Contains(shots.Message, "ways (N) must be in [2, 0]: label column 'Label' has 0 classes with at least shots + queries = 9 rows");
    }

    private sealed class KeyRow
    {
        public uint Label { get; set; }
    }
}
