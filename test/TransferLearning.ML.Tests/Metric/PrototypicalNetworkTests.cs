using Microsoft.ML;
using TorchSharp;
using TransferLearning.ML.Metric;
using TransferLearning.ML.Torch.Metric;
using TransferLearning.ML.Torch.Networks;

namespace TransferLearning.ML.Tests.Metric;

[TestClass]
public sealed class PrototypicalNetworkTests
{

    [TestMethod]
    public void PrototypesAreTheMeansOfEachClassGroup()
    {
        using var scope = torch.NewDisposeScope();
        var grouped = torch.tensor(new float[] { 0, 0, 2, 4, /* class 1 */ 10, 10, 12, 10 }, [4, 2]);
        CollectionAssert.AreEqual(new float[] { 1, 2, 11, 10 }, Prototypes.OfGroups(grouped, 2).data<float>().ToArray());
        var logits = Prototypes.Logits(torch.tensor(new float[] { 1, 3 }, [1, 2]), Prototypes.OfGroups(grouped, 2));
        CollectionAssert.AreEqual(new float[] { -1, -(100 + 49) }, logits.data<float>().ToArray(), "minus the squared distances");
    }

    [TestMethod]
    public void EpisodesOnSeenClassesGiveAnEmbeddingForUnseenOnes()
    {
        var ml = new MLContext(0);
        var seen = FewShotBlobs.Create(ml, 0, 40, 20, seed: 1);
        var unseen = FewShotBlobs.Create(ml, 100, 10, 20, seed: 2);
        var support = FewShotBlobs.Create(ml, 100, 10, 5, seed: 3);
        var options = new PrototypicalNetworkOptions
        {
            Network = NetworkSpec.Mlp(32), EmbeddingSize = 8, Ways = 10, Shots = 5, Queries = 5, EpisodesPerEpoch = 30, Epochs = 5, Seed = 1, Support = support,
        };
        using var model = ml.TransferLearning().PrototypicalNetwork(options).Fit(seen);

        // The support set's prototypes are in the model: an ordinary multiclass evaluation on the unseen classes' other rows.
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(unseen));
        Assert.IsGreaterThan(0.9, metrics.MicroAccuracy, $"10-way 5-shot accuracy on unseen classes {metrics.MicroAccuracy:P1} (chance 10 %)");

        // The embedding in 5-way 1-shot episodes, against raw features on the same episodes.
        var learned = ml.TransferLearning().EvaluateFewShot(model.Transform(unseen), ways: 5, shots: 1, queries: 10, episodes: 100);
        var raw = ml.TransferLearning().EvaluateFewShot(unseen, "Features", ways: 5, shots: 1, queries: 10, episodes: 100);
        Assert.IsGreaterThan(raw.Accuracy + 0.2, learned.Accuracy, $"embedding {learned} vs raw features {raw}");
    }

    [TestMethod]
    public void PassesTheWorkoutAndRefusesDataThatCannotFormEpisodes()
    {
        var ml = new MLContext(0);
        var train = TestData.Keyed(ml, TestData.DigitsSmall.WithClasses(0, 1, 2, 3));
        var options = new PrototypicalNetworkOptions { Network = NetworkSpec.Mlp(16), EmbeddingSize = 4, Ways = 3, Shots = 2, Queries = 2, EpisodesPerEpoch = 3, Epochs = 1, Support = train };
        Conformance.Workout.Run(ml.TransferLearning().PrototypicalNetwork(options), train, train, freshProcess: true).Dispose();

        options.Ways = 5;
        var ways = Assert.Throws<InvalidDataException>(() => ml.TransferLearning().PrototypicalNetwork(options).Fit(train));
        StringAssert.Contains(ways.Message, "has 4 classes with rows, fewer than Ways = 5");
        options.Ways = 3;
        options.Shots = 19;
        var shots = Assert.Throws<InvalidDataException>(() => ml.TransferLearning().PrototypicalNetwork(options).Fit(train));
        StringAssert.Contains(shots.Message, "fewer than Shots + Queries = 21 rows");
        var zero = Assert.Throws<ArgumentException>(() => ml.TransferLearning().PrototypicalNetwork(new PrototypicalNetworkOptions { Queries = 0 }));
        StringAssert.Contains(zero.Message, "Queries");
        var wrongSupport = Assert.Throws<ArgumentOutOfRangeException>(() =>
            ml.TransferLearning().PrototypicalNetwork(new PrototypicalNetworkOptions { Support = ml.Transforms.DropColumns("Features").Fit(train).Transform(train) }));
        StringAssert.Contains(wrongSupport.Message, "'Features'");
    }
}
