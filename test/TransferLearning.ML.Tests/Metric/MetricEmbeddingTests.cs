using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Metric;
using TransferLearning.ML.Torch.Metric;
using TransferLearning.ML.Torch.Networks;

namespace TransferLearning.ML.Tests.Metric;

[TestClass]
public sealed class MetricEmbeddingTests
{

    [TestMethod]
    public void EmbeddingsOfHeldOutClassesAreFoundByTheirNearestCentroid()
    {
        var ml = new MLContext(0);
        var seen = TestData.Keyed(ml, TestData.DigitsTrain.WithClasses(0, 1, 2, 3, 4, 5, 6).SplitPerClass(40, seed: 1).Selected);
        foreach (var loss in new[] { MetricLoss.Triplet, MetricLoss.Contrastive, MetricLoss.NtXent })
        {
            var options = new MetricEmbeddingOptions { Loss = loss, Network = NetworkSpec.Mlp(64), EmbeddingSize = 16, Epochs = 15, ClassesPerBatch = 7, RowsPerClass = 4, Seed = 1 };
            using var model = ml.TransferLearning().MetricEmbedding(options).Fit(seen);
            // Classes 7, 8 and 9 were never seen: 5 support images each make the centroids, the other test images are the queries.
            var unseen = TestData.DigitsTest.WithClasses(7, 8, 9);
            var embeddings = model.Transform(unseen.ToDataView(ml)).GetColumn<float[]>("Embedding").ToArray();
            Assert.IsTrue(embeddings.All(e => Math.Abs(Math.Sqrt(e.Sum(v => v * v)) - 1) < 1e-4), "unit-length embeddings");
            var byClass = Enumerable.Range(0, unseen.Count).GroupBy(i => unseen.Labels[i]).ToDictionary(g => g.Key, g => g.ToArray());
            var centroids = byClass.ToDictionary(kv => kv.Key, kv => Enumerable.Range(0, 16).Select(d => kv.Value.Take(5).Average(i => embeddings[i][d])).ToArray());
            var queries = byClass.SelectMany(kv => kv.Value.Skip(5).Select(i => (i, kv.Key))).ToArray();
            double accuracy = queries.Count(q => centroids.MinBy(c => c.Value.Zip(embeddings[q.i]).Sum(p => (p.First - p.Second) * (p.First - p.Second))).Key == q.Key) / (double)queries.Length;
            Assert.IsGreaterThan(0.6, accuracy, $"{loss}: 3-way nearest-centroid accuracy on unseen classes {accuracy:P1} (chance 33 %)");
        }
    }

    [TestMethod]
    public void PassesTheWorkout()
    {
        var ml = new MLContext(0);
        var train = TestData.Keyed(ml, TestData.DigitsSmall.WithClasses(0, 1, 2, 3));
        Conformance.Workout.Run(ml.TransferLearning().MetricEmbedding(network: NetworkSpec.Mlp(16), embeddingSize: 8, epochs: 2), train, train, freshProcess: true).Dispose();
    }

    [TestMethod]
    public void BadInputsNameTheProblem()
    {
        var ml = new MLContext(0);
        var one = TestData.Keyed(ml, TestData.DigitsSmall.WithClasses(0, 1).Subset(Enumerable.Range(0, 21)));
        var single = Assert.Throws<InvalidDataException>(() => ml.TransferLearning().MetricEmbedding(epochs: 1).Fit(one));
        StringAssert.Contains(single.Message, "have a single row");
        var k = Assert.Throws<ArgumentException>(() => ml.TransferLearning().MetricEmbedding(new MetricEmbeddingOptions { RowsPerClass = 1 }));
        StringAssert.Contains(k.Message, "RowsPerClass");
        var t = Assert.Throws<ArgumentException>(() => ml.TransferLearning().MetricEmbedding(new MetricEmbeddingOptions { Temperature = 0 }));
        StringAssert.Contains(t.Message, "Temperature");
    }
}
