using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.ZeroShot;
using TransferLearning.ML.ZeroShot;

namespace TransferLearning.ML.Tests.ZeroShot;

[TestClass]
public sealed class ZeroShotTests
{
    /// <summary>
    /// The Zoo table as a class-attribute table: each animal a class described by its 15 Boolean
    /// attributes (plus "four or more legs"). Instances are the attributes seen through a fixed
    /// random linear map plus noise, so the network has to learn the attributes back.
    /// </summary>
    internal static (ClassDescriptions Table, string[] Seen, string[] Unseen, Func<string[], int, int, IDataView> Rows) ZooSetup(MLContext ml)
    {
        var zoo = ZooTests.Load();
        var described = zoo.Animals.Select((a, i) => (Name: a, Vector: zoo.Values[i].Take(15).Append(zoo.Values[i][15] >= 4 ? 1f : 0f).ToArray()))
            .GroupBy(a => string.Join(",", a.Vector)).Select(g => g.First()).ToArray(); // animals sharing a description are one class
        var table = new ClassDescriptions(described.Select(a => KeyValuePair.Create(a.Name, a.Vector)));
        var random = new Random(5);
        var unseen = described.Select(a => a.Name).OrderBy(_ => random.Next()).Take(8).ToArray();
        var seen = described.Select(a => a.Name).Where(n => !unseen.Contains(n)).ToArray();
        var mixing = Enumerable.Range(0, 16 * 24).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

        IDataView Rows(string[] classes, int perClass, int seed)
        {
            var noise = new Random(seed);
            var rows = classes.SelectMany(c => Enumerable.Range(0, perClass).Select(_ =>
            {
                var a = table[c];
                var x = new float[24];
                for (int j = 0; j < 24; j++)
                {
                    for (int i = 0; i < 16; i++) x[j] += a[i] * mixing[i * 24 + j];
                    x[j] += (float)(noise.NextDouble() - 0.5) * 0.4f;
                }
                return new Instance { Label = c, Features = x };
            })).ToArray();
            return ml.Data.LoadFromEnumerable(rows);
        }

        return (table, seen, unseen, Rows);
    }

    private sealed class Instance
    {
        public string Label { get; set; } = "";

        [VectorType(24)]
        public float[] Features { get; set; } = [];
    }

    private static IDataView Keyed(MLContext ml, IDataView data) => ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);

    [TestMethod]
    public void DirectAttributePredictionOnTheZooTableFindsUnseenAnimals()
    {
        var ml = new MLContext(0);
        var (table, seen, unseen, rows) = ZooSetup(ml);
        var options = new ZeroShotAttributeOptions { ClassDescriptions = table, Network = NetworkSpec.Mlp(64), Epochs = 30 };
        using var model = ml.TransferLearning().ZeroShotAttributes(options).Fit(Keyed(ml, rows(seen, 10, 1)));
        CollectionAssert.AreEquivalent(unseen, model.ClassLists["candidates"].ToArray());

        var scored = model.Transform(rows(unseen, 20, 2));
        var metrics = ml.TransferLearning().EvaluateZeroShot(scored, "Label", k: 2);
        Assert.IsGreaterThan(0.5, metrics.Top1Accuracy, $"zero-shot top-1 over {unseen.Length} unseen animals: {metrics.Top1Accuracy:P1} (chance {1.0 / unseen.Length:P1})");
        Assert.IsGreaterThanOrEqualTo(metrics.Top1Accuracy, metrics.HitAtK);
        var probabilities = scored.GetColumn<float[]>("Score").First();
        Assert.AreEqual(1f, probabilities.Sum(), 1e-4, "DAP scores are a posterior over the candidates");
        Assert.HasCount(16, scored.GetColumn<float[]>("Attributes").First());
        var names = ml.Transforms.Conversion.MapKeyToValue("Animal", "PredictedLabel").Fit(scored).Transform(scored).GetColumn<string>("Animal").ToArray();
        Assert.IsTrue(names.All(unseen.Contains), "PredictedLabel maps back to candidate names");
    }

    [TestMethod]
    public void DapScoresMatchAHandComputation()
    {
        var predicted = torch.tensor(new float[] { 0.9f, 0.2f }, [1, 2]);
        var classes = torch.tensor(new float[] { 1, 0, 0, 1, 1, 1 }, [3, 2]);
        var scores = TransferLearning.ML.Torch.Modules.CandidateScoresHead.Scores(predicted, classes, TransferLearning.ML.Torch.Models.CandidateMatching.AttributeLikelihood).data<float>().ToArray();
        double[] expected = [Math.Log(0.9) + Math.Log(0.8), Math.Log(0.1) + Math.Log(0.2), Math.Log(0.9) + Math.Log(0.2)];
        for (int c = 0; c < 3; c++) Assert.AreEqual(expected[c], scores[c], 1e-5, $"class {c}");
    }

    [TestMethod]
    public void TheRankingLossIsZeroWhenEveryMarginHoldsAndMatchesANaiveLoop()
    {
        var holds = torch.tensor(new float[] { 5, 1, 0, 0, 4, 1 }, [2, 3]);
        Assert.AreEqual(0f, RankingLoss.Loss(holds, torch.tensor(new long[] { 0, 1 }), 1).item<float>());

        var random = new Random(3);
        var values = Enumerable.Range(0, 6 * 4).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        long[] labels = [0, 3, 1, 1, 2, 0];
        double margin = 0.7, naive = 0;
        for (int n = 0; n < 6; n++)
        {
            double positive = values[n * 4 + labels[n]], hardest = double.NegativeInfinity;
            for (int m = 0; m < 4; m++) if (m != labels[n]) hardest = Math.Max(hardest, values[n * 4 + m]);
            naive += Math.Max(0, margin - positive + hardest);
        }
        Assert.AreEqual(naive / 6, RankingLoss.Loss(torch.tensor(values, [6, 4]), torch.tensor(labels), margin).item<float>(), 1e-5);
    }

    [TestMethod]
    public void AttributeEmbeddingLearnsToRankUnseenAnimals()
    {
        var ml = new MLContext(0);
        var (table, seen, unseen, rows) = ZooSetup(ml);
        var options = new AttributeEmbeddingOptions { ClassDescriptions = table, Network = NetworkSpec.Mlp(64), Epochs = 30, EmbeddingSize = 16 };
        using var model = ml.TransferLearning().AttributeEmbedding(options).Fit(Keyed(ml, rows(seen, 10, 1)));
        var metrics = ml.TransferLearning().EvaluateZeroShot(model.Transform(rows(unseen, 20, 2)), "Label");
        Assert.IsGreaterThan(2.0 / unseen.Length, metrics.Top1Accuracy, $"top-1 {metrics.Top1Accuracy:P1}, chance {1.0 / unseen.Length:P1}");
        Assert.AreEqual("AttributeEmbedding", model.Method);
    }

    [TestMethod]
    public void ConSEWithTopOneReturnsTheCandidateNearestToTheTopSeenClass()
    {
        var ml = new MLContext(0);
        var table = new ClassDescriptions(new Dictionary<string, float[]>
        {
            ["cat"] = [1, 0, 0], ["car"] = [0, 1, 0], ["tiger"] = [0.9f, 0.1f, 0.3f], ["truck"] = [0.1f, 0.9f, 0.2f], ["boat"] = [0, 0.3f, 1],
        });
        var scores = new[] { new SeenScores { Score = [0.8f, 0.2f] }, new SeenScores { Score = [0.3f, 0.7f] } };
        var schema = SchemaDefinition.Create(typeof(SeenScores));
        var names = new VBuffer<ReadOnlyMemory<char>>(2, ["cat".AsMemory(), "car".AsMemory()]);
        schema["Score"].AddAnnotation("SlotNames", names, new VectorDataViewType(TextDataViewType.Instance, 2));
        var data = ml.Data.LoadFromEnumerable(scores, schema);

        using var model = ml.TransferLearning().ConSE(table, topCount: 1).Fit(data);
        CollectionAssert.AreEqual(new[] { "cat", "car" }, model.ClassLists["seen"].ToArray());
        var predicted = ml.Transforms.Conversion.MapKeyToValue("Class", "PredictedLabel").Fit(model.Transform(data)).Transform(model.Transform(data))
            .GetColumn<string>("Class").ToArray();
        CollectionAssert.AreEqual(new[] { "tiger", "truck" }, predicted);
        var embedding = model.Transform(data).GetColumn<float[]>("Embedding").First();
        CollectionAssert.AreEqual(new float[] { 1, 0, 0 }, embedding, "T = 1: the top class's own embedding");
    }

    private sealed class SeenScores
    {
        [VectorType(2)]
        public float[] Score { get; set; } = [];
    }

    [TestMethod]
    public void ConSEOnTopOfANetworkClassifierAndGeneralizedMetrics()
    {
        var ml = new MLContext(0);
        var (table, seen, unseen, rows) = ZooSetup(ml);
        var train = rows(seen, 10, 1);
        var classifier = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.TransferLearning().NetworkClassifier(network: NetworkSpec.Mlp(64), epochs: 30)).Fit(train);
        var test = rows(seen.Take(5).Concat(unseen).ToArray(), 10, 3);
        var conse = ml.TransferLearning().ConSE(new ConSEOptions { ClassDescriptions = table, TopCount = 3, Mode = ZeroShotMode.Generalized })
            .Fit(classifier.Transform(test));
        Assert.AreEqual(seen.Length + unseen.Length, conse.ClassLists["candidates"].Count);
        var metrics = ml.TransferLearning().EvaluateZeroShot(conse.Transform(classifier.Transform(test)), "Label", seenClasses: seen);
        Assert.IsNotNull(metrics.SeenAccuracy);
        Assert.IsNotNull(metrics.UnseenAccuracy);
        double s = metrics.SeenAccuracy!.Value, u = metrics.UnseenAccuracy!.Value;
        Assert.AreEqual(s + u > 0 ? 2 * s * u / (s + u) : 0, metrics.HarmonicMean!.Value, 1e-12);
        Assert.IsGreaterThan(0.5, s, "seen classes are mostly recognised");
    }

    [TestMethod]
    public void EveryMethodPassesTheWorkout()
    {
        var ml = new MLContext(0);
        var (table, seen, unseen, rows) = ZooSetup(ml);
        var train = Keyed(ml, rows(seen, 5, 1));
        var test = rows(unseen, 5, 2);
        Conformance.Workout.Run(ml.TransferLearning().ZeroShotAttributes(table, epochs: 2), train, test, freshProcess: true).Dispose();
        Conformance.Workout.Run(ml.TransferLearning().AttributeEmbedding(table, epochs: 2), train, test, freshProcess: true).Dispose();
        using var classifier = ml.TransferLearning().NetworkClassifier(epochs: 2).Fit(train);
        Conformance.Workout.Run(ml.TransferLearning().ConSE(table), classifier.Transform(train), classifier.Transform(test), inputColumn: "Score").Dispose();
    }

    [TestMethod]
    public void MissingClassesMismatchedVectorsAndEmptyCandidatesAreClearErrors()
    {
        var ml = new MLContext(0);
        var (table, seen, _, rows) = ZooSetup(ml);
        var partial = new ClassDescriptions(seen.Skip(1).Select(n => KeyValuePair.Create(n, table[n])));
        var e = Assert.Throws<ArgumentException>(() => ml.TransferLearning().ZeroShotAttributes(partial, epochs: 1).Fit(Keyed(ml, rows(seen, 2, 1))));
        StringAssert.Contains(e.Message, $"Class '{seen[0]}' of the training labels is not in the class description table");

        var mismatched = Assert.Throws<ArgumentException>(() => new ClassDescriptions(new Dictionary<string, float[]> { ["a"] = [1, 0], ["b"] = [1, 0, 1] }));
        StringAssert.Contains(mismatched.Message, "Class 'b' has a description of 3 values; 'a' has 2");

        var onlySeen = new ClassDescriptions(seen.Select(n => KeyValuePair.Create(n, table[n])));
        var empty = Assert.Throws<ArgumentException>(() => ml.TransferLearning().ZeroShotAttributes(onlySeen, epochs: 1).Fit(Keyed(ml, rows(seen, 2, 1))));
        StringAssert.Contains(empty.Message, "There are no candidate classes");

        var noSlots = ml.Data.LoadFromEnumerable(new[] { new SeenScores { Score = [0.5f, 0.5f] } });
        var unnamed = Assert.Throws<ArgumentException>(() => ml.TransferLearning().ConSE(table).Fit(noSlots));
        StringAssert.Contains(unnamed.Message, "has no slot names");

        var nan = Assert.Throws<ArgumentException>(() => new ClassDescriptions(new Dictionary<string, float[]> { ["a"] = [float.NaN] }));
        StringAssert.Contains(nan.Message, "NaN");
    }

    [TestMethod]
    public void CentringRemovesTheMeanAndKeepsDifferences()
    {
        var table = new ClassDescriptions(new Dictionary<string, float[]> { ["a"] = [1, 3], ["b"] = [3, 3], ["c"] = [2, 6] });
        var centred = table.Centered();
        CollectionAssert.AreEqual(new[] { "a", "b", "c" }, centred.Names.ToArray());
        CollectionAssert.AreEqual(new[] { -1f, -1f }, centred["a"]);
        CollectionAssert.AreEqual(new[] { 0f, 2f }, centred["c"]);
        for (int i = 0; i < 2; i++) Assert.AreEqual(0f, centred.Names.Sum(n => centred[n][i]), 1e-6);
    }

    [TestMethod]
    public void TablesLoadFromCsvAndWordVectors()
    {
        var csv = TestData.TempFile(".csv");
        File.WriteAllLines(csv, ["class,a1,a2", "zebra,1,0", "\"whale\",0,1.5"]);
        var table = ClassDescriptions.FromCsv(csv);
        CollectionAssert.AreEqual(new[] { "zebra", "whale" }, table.Names.ToArray());
        CollectionAssert.AreEqual(new[] { 0f, 1.5f }, table["whale"]);
        Assert.IsFalse(table.IsBinary);

        var glove = TestData.TempFile(".txt");
        File.WriteAllLines(glove, ["3 2", "ankle 1 0", "boot 0 1", "bag 0.5 0.5"]);
        var vectors = ClassDescriptions.FromWordVectors(glove, ["ankle boot", "Bag"]);
        CollectionAssert.AreEqual(new[] { 0.5f, 0.5f }, vectors["ankle boot"], "a multi-word name gets the mean of its words");
        var missing = Assert.Throws<ArgumentException>(() => ClassDescriptions.FromWordVectors(glove, ["sandal"]));
        StringAssert.Contains(missing.Message, "Word 'sandal'");
    }
}
