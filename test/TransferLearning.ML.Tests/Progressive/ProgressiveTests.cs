using Microsoft.ML;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Progressive;
using TransferLearning.ML.Torch.Networks;

namespace TransferLearning.ML.Tests.Progressive;

[TestClass]
public sealed class ProgressiveTests
{
    private static readonly NetworkSpec Trunk = NetworkSpec.Mlp(32, 16);

    private static (MLContext Ml, NetworkTransformer Source, IDataView TaskA, IDataView TaskB, IDataView TaskC, IDataView Test) Setup()
    {
        var ml = new MLContext(0);
        IDataView Keyed(Datasets.ImageDataset d) => TestData.Keyed(ml, d);
        var a = Keyed(TestData.DigitsTrain.WithClasses(0, 1, 2, 3, 4).SplitPerClass(60, seed: 1).Selected);
        var b = Keyed(TestData.DigitsTrain.WithClasses(5, 6, 7, 8, 9).SplitPerClass(20, seed: 2).Selected);
        var c = Keyed(TestData.DigitsTrain.WithClasses(0, 2, 4, 6, 8).SplitPerClass(20, seed: 3).Selected);
        var source = ml.TransferLearning().NetworkClassifier(new NetworkClassifierOptions { Network = Trunk, Epochs = 5 }).Fit(a);
        return (ml, source, a, b, c, TestData.DigitsTest.ToDataView(ml));
    }

    private static Dictionary<string, float[]> State(NetworkTransformer model) =>
        model.Network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.to_type(TorchSharp.torch.ScalarType.Float32).cpu().data<float>().ToArray());

    [TestMethod]
    public void EarlierTasksKeepTheirWeightsAndOutputsBitForBitAndNewColumnsLearn()
    {
        var (ml, source, _, b, c, test) = Setup();
        var before = State(source);
        var scoresA = TestData.Scores(ml, source.Transform(test));

        using var second = ml.TransferLearning().ProgressiveColumn(source, new ProgressiveColumnOptions { TaskName = "B", Epochs = 40, BatchSize = 16 }).Fit(b);
        using var third = ml.TransferLearning().ProgressiveColumn(second, new ProgressiveColumnOptions { TaskName = "C", Epochs = 40, BatchSize = 16 }).Fit(c);

        foreach (var model in new[] { second, third })
        {
            var after = State(model);
            foreach (var (name, values) in before) CollectionAssert.AreEqual(values, after[name], $"{name} changed");
            var now = TestData.Scores(ml, model.Transform(test));
            for (int i = 0; i < scoresA.Length; i++) CollectionAssert.AreEqual(scoresA[i], now[i], $"task A's Score, row {i}");
        }
        var secondState = State(second);
        foreach (var (name, values) in secondState) CollectionAssert.AreEqual(values, State(third)[name], $"{name} changed when column 2 was added");
        var bScores = TestData.Scores(ml, second.Transform(test), "Score.B");
        var bThird = TestData.Scores(ml, third.Transform(test), "Score.B");
        for (int i = 0; i < bScores.Length; i++) CollectionAssert.AreEqual(bScores[i], bThird[i], $"task B's Score, row {i}");

        // The new tasks learn: digits 5-9 and the even digits, on their own test rows.
        var testB = ml.Transforms.Conversion.MapValueToKey("Label").Fit(TestData.DigitsTest.WithClasses(5, 6, 7, 8, 9).ToDataView(ml));
        var scoredB = third.Transform(testB.Transform(TestData.DigitsTest.WithClasses(5, 6, 7, 8, 9).ToDataView(ml)));
        var metricsB = ml.MulticlassClassification.Evaluate(scoredB, "Label", "Score.B", "PredictedLabel.B");
        Assert.IsGreaterThan(0.8, metricsB.MicroAccuracy, $"task B accuracy {metricsB.MicroAccuracy:P1}");
        CollectionAssert.AreEqual(new[] { "5", "6", "7", "8", "9" }, third.OutputColumns.Single(o => o.Name == "PredictedLabel.B").Names!.ToArray());
    }

    [TestMethod]
    public void LateralConnectionsHaveTheShapesOfTheEarlierColumns()
    {
        var (ml, source, _, b, c, _) = Setup();
        var options = new ProgressiveColumnOptions { TaskName = "B", Epochs = 1, Column = NetworkSpec.Mlp(8, 4) };
        using var second = ml.TransferLearning().ProgressiveColumn(source, options).Fit(b);
        using var third = ml.TransferLearning().ProgressiveColumn(second, new ProgressiveColumnOptions { TaskName = "C", Epochs = 1 }).Fit(c);
        var state = third.Network.state_dict();
        CollectionAssert.AreEqual(new long[] { 8, 400 }, state["columns.1.block0.linear.weight"].shape, "column 1 block 0 reads the input only");
        CollectionAssert.AreEqual(new long[] { 4, 32 + 8 }, state["columns.1.block1.linear.weight"].shape, "column 1 block 1: trunk (32) + own (8)");
        CollectionAssert.AreEqual(new long[] { 32, 400 }, state["columns.2.block0.linear.weight"].shape);
        CollectionAssert.AreEqual(new long[] { 16, 32 + 8 + 32 }, state["columns.2.block1.linear.weight"].shape, "column 2 block 1: trunk + column 1 + own");
        CollectionAssert.AreEqual(new long[] { 5, 16 }, state["heads.task2.linear.weight"].shape);
    }

    [TestMethod]
    public void PassesTheWorkout()
    {
        var (ml, source, _, b, _, test) = Setup();
        var keyedTest = ml.Transforms.Conversion.MapValueToKey("Label").Fit(test).Transform(test);
        Conformance.Workout.Run(ml.TransferLearning().ProgressiveColumn(source, new ProgressiveColumnOptions { TaskName = "B", Epochs = 2 }), b, keyedTest, freshProcess: true).Dispose();
    }

    [TestMethod]
    public void BadInputsNameTheProblem()
    {
        var (ml, source, _, b, _, _) = Setup();
        using var second = ml.TransferLearning().ProgressiveColumn(source, new ProgressiveColumnOptions { TaskName = "B", Epochs = 1 }).Fit(b);
        var twice = Assert.Throws<ArgumentException>(() => ml.TransferLearning().ProgressiveColumn(second, new ProgressiveColumnOptions { TaskName = "B" }));
        StringAssert.Contains(twice.Message, "already writes 'Score.B'");

        var small = ml.Transforms.Conversion.MapValueToKey("Label").Fit(TestData.DigitsSmall.ToDataView(ml)).Transform(TestData.DigitsSmall.ToDataView(ml));
        var resized = ml.Transforms.Concatenate("Features", "Features", "Features").Fit(small).Transform(small);
        var size = Assert.Throws<ArgumentException>(() => ml.TransferLearning().ProgressiveColumn(source, new ProgressiveColumnOptions { TaskName = "D", Epochs = 1 }).Fit(resized));
        StringAssert.Contains(size.Message, "has 800 values per row, but the progressive model reads 400");

        var kinds = Assert.Throws<ArgumentException>(() => ml.TransferLearning().ProgressiveColumn(source,
            new ProgressiveColumnOptions { TaskName = "E", Column = NetworkSpec.Mlp(8) }));
        StringAssert.Contains(kinds.Message, "Column 1 has 1 layers; a progressive column needs the trunk's 2");
        var feature = Assert.Throws<ArgumentException>(() => ml.TransferLearning().ProgressiveColumn(source, new ProgressiveColumnOptions { TaskName = "F", FeatureColumnName = "Pixels" }));
        StringAssert.Contains(feature.Message, "the source model reads 'Features'");
        var label = Assert.Throws<ArgumentOutOfRangeException>(() => ml.TransferLearning().ProgressiveColumn(source, new ProgressiveColumnOptions { TaskName = "G", LabelColumnName = "Digit" }).Fit(b));
        StringAssert.Contains(label.Message, "'Digit'");
    }
}
