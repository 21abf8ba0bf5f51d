using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Tests.Classification;

[TestClass]
public sealed class NetworkClassifierTests
{
    private static ITransformer TrainDigits(MLContext ml, out NetworkTransformer classifier, int seed = 0, int epochs = 15,
        IProgress<TrainingProgress>? progress = null)
    {
        var options = new NetworkClassifierOptions { Network = NetworkSpec.Mlp(128), Epochs = epochs, Seed = seed, Progress = progress };
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.TransferLearning().NetworkClassifier(options))
            .Fit(TestData.DigitsTrain.ToDataView(ml));
        classifier = model.LastTransformer;
        return model;
    }

    [TestMethod]
    public void ReachesNinetyPercentOnHeldOutDigitsAndLossFalls()
    {
        var ml = new MLContext(0);
        var model = TrainDigits(ml, out var classifier);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(TestData.DigitsTest.ToDataView(ml)));

        Assert.IsGreaterThan(0.90, metrics.MicroAccuracy, $"held-out accuracy {metrics.MicroAccuracy:P2}");
        var epochs = classifier.TrainingReport!.Epochs;
        Assert.HasCount(15, epochs);
        Assert.IsLessThan(epochs[0].Loss / 3, epochs[^1].Loss, $"loss {epochs[0].Loss} -> {epochs[^1].Loss}");
    }

    [TestMethod]
    public void OutputSchemaBeforeAndAfterFitHasScoreAndKeyedPredictedLabel()
    {
        var ml = new MLContext(0);
        var data = TestData.DigitsSmall.ToDataView(ml);
        var estimator = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.TransferLearning().NetworkClassifier(epochs: 1));

        var shape = estimator.GetOutputSchema(TestData.Shape(data.Schema));
        var score = shape.Single(c => c.Name == "Score");
        Assert.AreEqual(SchemaShape.Column.VectorKind.Vector, score.Kind);
        Assert.AreEqual(NumberDataViewType.Single, score.ItemType);
        var predicted = shape.Single(c => c.Name == "PredictedLabel");
        Assert.IsTrue(predicted.IsKey);
        Assert.IsTrue(predicted.Annotations.Any(a => a.Name == "KeyValues"));

        var output = estimator.Fit(data).Transform(data).Schema;
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 10), output["Score"].Type);
        Assert.AreEqual(new KeyDataViewType(typeof(uint), 10), output["PredictedLabel"].Type);
        VBuffer<ReadOnlyMemory<char>> slotNames = default;
        output["Score"].GetSlotNames(ref slotNames);
        CollectionAssert.AreEqual(Enumerable.Range(0, 10).Select(i => i.ToString()).ToArray(), slotNames.DenseValues().Select(n => n.ToString()).ToArray());
        Assert.IsNotNull(output.GetColumnOrNull("Features"), "input columns pass through");
    }

    [TestMethod]
    public void WorksWithEvaluateMapKeyToValueAndPredictionEngine()
    {
        var ml = new MLContext(0);
        var model = TrainDigits(ml, out _, epochs: 3);
        var test = TestData.DigitsTest;
        var scored = model.Transform(test.ToDataView(ml));

        var metrics = ml.MulticlassClassification.Evaluate(scored, "Label", "Score", "PredictedLabel");
        Assert.IsGreaterThan(0.5, metrics.MicroAccuracy);
        Assert.AreEqual(10, metrics.ConfusionMatrix.NumberOfClasses);

        var named = ml.Transforms.Conversion.MapKeyToValue("PredictedDigit", "PredictedLabel").Fit(scored).Transform(scored);
        var digits = named.GetColumn<string>("PredictedDigit").ToArray();
        var scores = TestData.Scores(ml, scored);
        for (int i = 0; i < digits.Length; i++)
            Assert.AreEqual(Array.IndexOf(scores[i], scores[i].Max()).ToString(), digits[i], "PredictedLabel maps back to the argmax class name");

        var engine = ml.Model.CreatePredictionEngine<ImageInput, Prediction>(model);
        for (int i = 0; i < test.Count; i += 7)
        {
            // One row and a block of rows go through different matrix kernels, which round differently in the last bits.
            var prediction = engine.Predict(new ImageInput { Features = test.Images[i] });
            Assert.HasCount(10, prediction.Score);
            for (int c = 0; c < 10; c++)
                Assert.AreEqual(scores[i][c], prediction.Score[c], 1e-6, $"row {i}, class {c}: PredictionEngine equals Transform");
            Assert.AreEqual(digits[i], prediction.PredictedDigit);
        }
    }

    [TestMethod]
    public void SameSeedGivesTheSameModelAndAnotherSeedDoesNot()
    {
        float[][] Train(int seed)
        {
            var ml = new MLContext(0);
            var model = TrainDigits(ml, out _, seed, epochs: 2);
            return TestData.Scores(ml, model.Transform(TestData.DigitsTest.ToDataView(ml)));
        }

        var first = Train(1);
        var again = Train(1);
        var other = Train(2);
        for (int i = 0; i < first.Length; i++) CollectionAssert.AreEqual(first[i], again[i], $"row {i}");
        Assert.IsFalse(first.Zip(other).All(p => p.First.SequenceEqual(p.Second)));
    }

    [TestMethod]
    public void ReportsProgressEveryStepAndEpoch()
    {
        var reports = new List<TrainingProgress>();
        var ml = new MLContext(0);
        var logged = new List<string>();
        ml.Log += (_, e) => { if (e.Message.Contains("epoch 2/2")) logged.Add(e.Message); };
        TrainDigits(ml, out _, epochs: 2, progress: new Collect(reports));

        int steps = (int)Math.Ceiling(TestData.DigitsTrain.Count / 64.0);
        Assert.HasCount(2 * steps, reports);
        Assert.AreEqual(2, reports.Count(r => r.EpochCompleted));
        Assert.IsTrue(reports[^1].EpochCompleted && reports[^1].Epoch == 2 && reports[^1].Step == steps);
        Assert.IsNotEmpty(logged, "an epoch summary reaches mlContext.Log");
    }

    [TestMethod]
    public void ValidationSplitKeepsTheBestEpochAndStopsEarly()
    {
        var ml = new MLContext(0);
        var options = new NetworkClassifierOptions
        {
            Network = NetworkSpec.Mlp(64), Epochs = 40, LearningRate = 0.01, ValidationFraction = 0.3, EarlyStoppingPatience = 2,
        };
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.TransferLearning().NetworkClassifier(options))
            .Fit(TestData.DigitsSmall.ToDataView(ml));
        var report = model.LastTransformer.TrainingReport!;

        Assert.IsTrue(report.StoppedEarly, "200 digits overfit well before 40 epochs");
        Assert.AreEqual(60, report.ValidationRows);
        var best = report.Epochs.MinBy(e => e.ValidationLoss)!;
        Assert.AreEqual(best.Epoch, report.SelectedEpoch);
        Assert.AreEqual(report.SelectedEpoch + 2, report.Epochs.Count);
    }

    [TestMethod]
    public void TrainsALeNetOnPixelsFromExtractPixels()
    {
        var ml = new MLContext(0);
        var directory = TestData.TempDirectory("pngs");
        var digits = TestData.DigitsSmall;
        var rows = new List<ImageFile>();
        for (int i = 0; i < digits.Count; i++)
        {
            var path = Path.Combine(directory, $"{i}.png");
            TestData.WritePng(path, digits.Images[i], digits.Width, digits.Height);
            rows.Add(new ImageFile { Path = path, Label = digits.ClassNames[digits.Labels[i]] });
        }

        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.LoadImages("Image", null, nameof(ImageFile.Path)))
            .Append(ml.Transforms.ResizeImages("Image", 20, 20))
            .Append(ml.Transforms.ConvertToGrayscale("Image"))
            .Append(ml.Transforms.ExtractPixels("Features", "Image", ImagePixelExtractingEstimator.ColorBits.Blue, scaleImage: 1 / 255f))
            .Append(ml.TransferLearning().NetworkClassifier(new NetworkClassifierOptions { Network = NetworkSpec.LeNet(1, 20, 20), Epochs = 8 }));
        var data = ml.Data.LoadFromEnumerable(rows);
        var model = pipeline.Fit(data);
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(data));

        Assert.AreEqual(400, model.LastTransformer.InputLength);
        Assert.IsGreaterThan(0.8, metrics.MicroAccuracy, $"training accuracy {metrics.MicroAccuracy:P1}");
        var pixels = model.Transform(data).GetColumn<float[]>("Features").First();
        CollectionAssert.AreEqual(digits.Images[0].Select(v => MathF.Round(v * 255)).ToArray(), pixels.Select(v => MathF.Round(v * 255)).ToArray(),
            "ExtractPixels yields the planar pixels the network reads");
    }

    [TestMethod]
    public void WritesLearnedFeaturesWhenAsked()
    {
        var ml = new MLContext(0);
        var options = new NetworkClassifierOptions { Network = NetworkSpec.Mlp(32), Epochs = 1, LearnedFeaturesColumnName = "Embedding" };
        var data = TestData.DigitsSmall.ToDataView(ml);
        var scored = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.TransferLearning().NetworkClassifier(options)).Fit(data).Transform(data);

        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 32), scored.Schema["Embedding"].Type);
        Assert.IsTrue(scored.GetColumn<float[]>("Embedding").All(e => e.All(v => v >= 0)), "ReLU features are non-negative");
    }

    [TestMethod]
    public void FitAndTransformLeaveNoTensorsBehind()
    {
        var ml = new MLContext(0);
        var train = TestData.DigitsSmall.ToDataView(ml);
        var test = TestData.DigitsTest.ToDataView(ml);
        long before = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var classifier = ml.Transforms.Conversion.MapValueToKey("Label").Fit(train);
        using (var model = ml.TransferLearning().NetworkClassifier(epochs: 3).Fit(classifier.Transform(train)))
        {
            var scored = model.Transform(classifier.Transform(test));
            scored.GetColumn<float[]>("Score").ToArray(); // the first pass allocates the input buffer
            long warm = TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            for (int pass = 0; pass < 3; pass++) scored.GetColumn<float[]>("Score").ToArray();
            Assert.AreEqual(warm, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount, "Transform frees every block's tensors");
        }
        Assert.AreEqual(before, TorchSharp.DisposeScopeManager.Statistics.ThreadTotalLiveCount, "Dispose frees the network and buffers");
    }

    private sealed class Collect(List<TrainingProgress> reports) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => reports.Add(value);
    }

    private sealed class ImageFile
    {
        public string Path { get; set; } = "";

        public string Label { get; set; } = "";
    }

    private sealed class ImageInput
    {
        public string Label { get; set; } = "";

        [VectorType(400)]
        public float[] Features { get; set; } = [];
    }

    private sealed class Prediction
    {
        public float[] Score { get; set; } = [];

        public uint PredictedLabel { get; set; }

        [NoColumn]
        public string PredictedDigit => (PredictedLabel - 1).ToString();
    }
}
