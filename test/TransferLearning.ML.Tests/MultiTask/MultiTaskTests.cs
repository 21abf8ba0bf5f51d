using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using TransferLearning.ML.MultiTask;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.MultiTask;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training.Sampling;

namespace TransferLearning.ML.Tests.MultiTask;

[TestClass]
public sealed class MultiTaskTests
{
    /// <summary>
    /// Three tasks on the same 8-d rows: a 3-class task (which of three blob centres), a 2-class task
    /// (the sign of x0 + x1; missing on every other row) and a regression target (x0 + x1 + x2 + x3;
    /// missing, NaN, on every third row).
    /// </summary>
    private static Row[] Rows(int count, int seed)
    {
        var random = new Random(seed);
        float Gauss() => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()));
        return Enumerable.Range(0, count).Select(i =>
        {
            int blob = i % 3;
            var x = Enumerable.Range(0, 8).Select(j => (j == blob + 4 ? 3f : 0f) + Gauss()).ToArray();
            return new Row
            {
                Features = x,
                Blob = (uint)blob,
                Sign = i % 2 == 1 ? MissingSign : (x[0] + x[1] > 0 ? 1u : 0u),
                Sum = i % 3 == 2 ? float.NaN : x[0] + x[1] + x[2] + x[3] + 0.1f * Gauss(),
                Near = x[0] - x[1] > 0,
            };
        }).ToArray();
    }

    // LoadFromEnumerable reads a [KeyType(n)] property as a 0-based index; a value of n or more is the missing key.
    private const uint MissingSign = 2;

    private static IDataView View(MLContext ml, Row[] rows) => ml.Data.LoadFromEnumerable(rows);

    private static MultiTaskOptions Options(int epochs = 30) => new()
    {
        LabelColumnNames = ["Blob", "Sign", "Sum", "Near"],
        Network = NetworkSpec.Mlp(32),
        Epochs = epochs,
        BatchSize = 32,
        LearningRate = 3e-3,
    };

    [TestMethod]
    public void EveryTaskLearnsAndIsEvaluatedWithMlNetsEvaluators()
    {
        var ml = new MLContext(0);
        using var model = ml.TransferLearning().MultiTask(Options()).Fit(View(ml, Rows(600, 1)));
        var scored = model.Transform(View(ml, Rows(300, 2)));

        var blob = ml.MulticlassClassification.Evaluate(scored, "Blob", "Score.Blob", "PredictedLabel.Blob");
        Assert.IsGreaterThan(0.9, blob.MicroAccuracy, $"Blob accuracy {blob.MicroAccuracy:P1}");
        // Sign is missing on half the rows: evaluate where it is present.
        var sign = ml.MulticlassClassification.Evaluate(ml.Data.FilterRowsByMissingValues(scored, "Sign"), "Sign", "Score.Sign", "PredictedLabel.Sign");
        Assert.IsGreaterThan(0.8, sign.MicroAccuracy, $"Sign accuracy {sign.MicroAccuracy:P1}");
        var sum = ml.Regression.Evaluate(ml.Data.FilterRowsByMissingValues(scored, "Sum"), "Sum", "Score.Sum");
        Assert.IsGreaterThan(0.8, sum.RSquared, $"Sum R² {sum.RSquared:F3}");
        var near = ml.BinaryClassification.Evaluate(scored, "Near", "Score.Near", "Probability.Near", "PredictedLabel.Near");
        Assert.IsGreaterThan(0.8, near.Accuracy, $"Near accuracy {near.Accuracy:P1}");
        Assert.IsGreaterThan(0.9, near.AreaUnderRocCurve, $"Near AUC {near.AreaUnderRocCurve:F3}");
        var parts = model.TrainingReport!.Epochs[^1].LossParts.Keys.ToArray();
        CollectionAssert.AreEquivalent(new[] { "loss.Blob", "loss.Sign", "loss.Sum", "loss.Near" }, parts);
    }

    /// <summary>
    /// Two domains with different inputs: domain A rows carry 5 features (B's 3 are zeros) and label A
    /// (which of 3 blobs); domain B rows carry 3 features (A's are zeros) and label B (the sign of
    /// their first two). Each row has one domain's label only.
    /// </summary>
    private static DomainRow[] TwoDomains(int count, int seed)
    {
        var random = new Random(seed);
        float Noise() => (float)(random.NextDouble() * 2 - 1);
        return Enumerable.Range(0, count).Select(i =>
        {
            bool a = i % 2 == 0;
            int blob = i / 2 % 3;
            var fa = a ? Enumerable.Range(0, 5).Select(j => (j == blob ? 2.5f : 0f) + Noise()).ToArray() : new float[5];
            var fb = a ? new float[3] : Enumerable.Range(0, 3).Select(_ => Noise()).ToArray();
            return new DomainRow { FeaturesA = fa, FeaturesB = fb, A = a ? (uint)blob : 3, B = a ? 2 : (fb[0] + fb[1] > 0 ? 1u : 0u) };
        }).ToArray();
    }

    private static MultiTaskOptions TwoDomainOptions(int epochs) => new()
    {
        LabelColumnNames = ["A", "B"],
        TaskFeatureColumnNames = ["FeaturesA", "FeaturesB"],
        Encoder = NetworkSpec.Mlp(16),
        Network = NetworkSpec.Mlp(16),
        Epochs = epochs,
        BatchSize = 32,
        LearningRate = 3e-3,
    };

    [TestMethod]
    public void TaskSpecificEncodersLearnTwoDomainsWithDifferentInputs()
    {
        var ml = new MLContext(0);
        using var model = ml.TransferLearning().MultiTask(TwoDomainOptions(30)).Fit(ml.Data.LoadFromEnumerable(TwoDomains(600, 1)));
        CollectionAssert.AreEqual(new[] { "FeaturesA", "FeaturesB" }, model.InputColumnNames.ToArray());
        Assert.HasCount(2, model.ModelSpec.Encoders);
        var state = model.Network.state_dict();
        CollectionAssert.AreEqual(new long[] { 16, 5 }, state["encoders.encoder0.block0.linear.weight"].shape);
        CollectionAssert.AreEqual(new long[] { 16, 3 }, state["encoders.encoder1.block0.linear.weight"].shape);
        CollectionAssert.AreEqual(new long[] { 16, 16 }, state["body.block0.linear.weight"].shape, "one shared middle");

        var scored = model.Transform(ml.Data.LoadFromEnumerable(TwoDomains(300, 2)));
        var a = ml.MulticlassClassification.Evaluate(ml.Data.FilterRowsByMissingValues(scored, "A"), "A", "Score.A", "PredictedLabel.A");
        var b = ml.MulticlassClassification.Evaluate(ml.Data.FilterRowsByMissingValues(scored, "B"), "B", "Score.B", "PredictedLabel.B");
        Assert.IsGreaterThan(0.9, a.MicroAccuracy, $"domain A accuracy {a.MicroAccuracy:P1}");
        Assert.IsGreaterThan(0.85, b.MicroAccuracy, $"domain B accuracy {b.MicroAccuracy:P1}");
    }

    [TestMethod]
    public void TaskSpecificEncodersPassTheWorkout()
    {
        var ml = new MLContext(0);
        Conformance.Workout.Run(ml.TransferLearning().MultiTask(TwoDomainOptions(2)), ml.Data.LoadFromEnumerable(TwoDomains(80, 3)),
            ml.Data.LoadFromEnumerable(TwoDomains(40, 4)), inputColumn: "FeaturesB").Dispose();
        var count = Assert.Throws<ArgumentException>(() => ml.TransferLearning().MultiTask(new MultiTaskOptions { LabelColumnNames = ["A", "B"], TaskFeatureColumnNames = ["FeaturesA"] }));
        StringAssert.Contains(count.Message, "TaskFeatureColumnNames");
        var options = TwoDomainOptions(1);
        options.TaskFeatureColumnNames = ["FeaturesA", "Nope"];
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => ml.TransferLearning().MultiTask(options).Fit(ml.Data.LoadFromEnumerable(TwoDomains(20, 5))));
        StringAssert.Contains(missing.Message, "'Nope'");
    }

    [TestMethod]
    public void TheMaskedLossEqualsAHandComputation()
    {
        torch.manual_seed(0);
        var spec = new ModelSpec { Trunk = NetworkSpec.Mlp(4), Heads = [new ClassifierHeadSpec("a", 3), new RegressionHeadSpec("b", 1)] };
        using var network = new Network(spec, 2);
        using var features = torch.tensor(new float[] { 1, 0, 0, 1, -1, 2, 0.5f, 0.5f }, [4, 2]);
        using var labels = torch.tensor(new long[] { 2, -1, 0, 1 });
        using var values = torch.tensor(new float[] { float.NaN, 1.5f, -0.5f, float.NaN });
        var tasks = new[]
        {
            new TaskTarget("a", "a", TaskKind.Classification, labels, [true, false, true, true], 2.0),
            new TaskTarget("b", "b", TaskKind.Regression, values, [false, true, true, false], 0.5),
        };
        var step = new MultiTaskStep(network, features, tasks, null);
        using var sampler = new MultiTaskSampler([0, 1, 2, 3], tasks.Select(t => t.Present).ToArray(), 4, torch.CPU);
        sampler.StartEpoch(new Random(0));
        using var scope = torch.NewDisposeScope();
        var batch = sampler.Next(0);
        double total = step.Loss(batch, 0).Total.item<float>();

        // By hand: cross-entropy over rows 0, 2, 3 only; squared error over rows 1, 2 only.
        var shared = network.Features(features);
        var logits = network.Head("a", shared).detach();
        var predicted = network.Head("b", shared).detach();
        double ce = new[] { 0, 2, 3 }.Average(r =>
        {
            var z = Enumerable.Range(0, 3).Select(c => (double)logits[r, c].item<float>()).ToArray();
            double max = z.Max(), log = Math.Log(z.Sum(v => Math.Exp(v - max))) + max;
            return log - z[labels[r].item<long>()];
        });
        double se = new[] { 1, 2 }.Average(r => Math.Pow(predicted[r, 0].item<float>() - values[r].item<float>(), 2));
        Assert.AreEqual(2.0 * ce + 0.5 * se, total, 1e-5);
    }

    [TestMethod]
    public void UncertaintyWeightingReportsTheLearntWeights()
    {
        var ml = new MLContext(0);
        var options = Options(epochs: 10);
        options.UncertaintyWeighting = true;
        using var model = ml.TransferLearning().MultiTask(options).Fit(View(ml, Rows(300, 3)));
        var metrics = model.TrainingReport!.Metrics;
        foreach (var task in new[] { "Blob", "Sign", "Sum", "Near" })
        {
            Assert.IsTrue(metrics.ContainsKey($"task-weight.{task}"), string.Join(", ", metrics.Keys));
            Assert.AreNotEqual(1.0, metrics[$"task-weight.{task}"], 1e-6, "the weights moved from their start (s = 0)");
        }
        // Kendall et al.'s form: exp(-s) L + s/2 for a classification task, half the loss for regression.
        using var loss = torch.tensor(2f);
        using var s = torch.tensor(0.5f);
        Assert.AreEqual(Math.Exp(-0.5) * 2 + 0.25, MultiTaskStep.Uncertainty(loss, s, true).item<float>(), 1e-6);
        Assert.AreEqual(Math.Exp(-0.5) * 1 + 0.25, MultiTaskStep.Uncertainty(loss, s, false).item<float>(), 1e-6);
    }

    [TestMethod]
    public void PassesTheWorkout()
    {
        var ml = new MLContext(0);
        Conformance.Workout.Run(ml.TransferLearning().MultiTask(Options(epochs: 2)), View(ml, Rows(120, 4)), View(ml, Rows(40, 5)), freshProcess: true).Dispose();
    }

    [TestMethod]
    public void BadInputsNameTheColumnOrOption()
    {
        var ml = new MLContext(0);
        var data = View(ml, Rows(30, 6));
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => ml.TransferLearning().MultiTask(["Blob", "Nope"]).Fit(data));
        StringAssert.Contains(missing.Message, "Label column 'Nope' was not found");
        var twice = Assert.Throws<ArgumentException>(() => ml.TransferLearning().MultiTask(["Blob", "Blob"]));
        StringAssert.Contains(twice.Message, "names 'Blob' twice");
        var weights = Assert.Throws<ArgumentException>(() => ml.TransferLearning().MultiTask(new MultiTaskOptions { LabelColumnNames = ["Blob", "Sum"], TaskWeights = [1] }));
        StringAssert.Contains(weights.Message, "TaskWeights");
        Assert.Throws<ArgumentException>(() => ml.TransferLearning().MultiTask([]));
        var text = ml.Transforms.Conversion.ConvertType("Sum", "Sum", DataKind.Double).Fit(data).Transform(data);
        var wrong = Assert.Throws<ArgumentOutOfRangeException>(() => ml.TransferLearning().MultiTask(["Blob", "Sum"]).Fit(text));
        StringAssert.Contains(wrong.Message, "Label column 'Sum' must be a key");

        var unlabelled = Rows(30, 7).Select(r => { r.Sign = MissingSign; return r; }).ToArray();
        var none = Assert.Throws<InvalidDataException>(() => ml.TransferLearning().MultiTask(["Blob", "Sign"], epochs: 1).Fit(View(ml, unlabelled)));
        StringAssert.Contains(none.Message, "Label column 'Sign' has no label on any row");
    }

    private sealed class DomainRow
    {
        [VectorType(5)]
        public float[] FeaturesA { get; set; } = [];

        [VectorType(3)]
        public float[] FeaturesB { get; set; } = [];

        [KeyType(3)]
        public uint A { get; set; }

        [KeyType(2)]
        public uint B { get; set; }
    }

    private sealed class Row
    {
        [VectorType(8)]
        public float[] Features { get; set; } = [];

        [KeyType(3)]
        public uint Blob { get; set; }

        [KeyType(2)]
        public uint Sign { get; set; }

        public float Sum { get; set; }

        public bool Near { get; set; }
    }
}
