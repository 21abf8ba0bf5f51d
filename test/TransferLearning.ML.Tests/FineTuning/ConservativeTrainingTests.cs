using Microsoft.ML;
using TorchSharp;
using TransferLearning.ML.Torch.Transfer;
using TransferLearning.ML.FineTuning;
using TransferLearning.ML.Torch.Losses;
using static TorchSharp.torch;

namespace TransferLearning.ML.Tests.FineTuning;

[TestClass]
public sealed class ConservativeTrainingTests
{
    [TestMethod]
    public void L2SpIsZeroAtTheSourceWeightsAndMatchesAHandComputation()
    {
        var copied = new TorchSharp.Modules.Parameter(torch.tensor(new float[] { 1, 2, 3 }));
        var fresh = new TorchSharp.Modules.Parameter(torch.tensor(new float[] { 0.5f, -1 }));
        using var penalty = new L2SpPenalty([copied], [fresh], alpha: 0.1, beta: 0.01);
        using (var noBeta = new L2SpPenalty([copied], [fresh], alpha: 0.1, beta: 0))
            Assert.AreEqual(0f, noBeta.Compute().item<float>(), "at the starting point the alpha term is 0");

        using (torch.no_grad()) copied.add_(torch.tensor(new float[] { 1, 0, -2 }));
        // alpha/2 * (1 + 0 + 4) + beta/2 * (0.25 + 1)
        double expected = 0.1 / 2 * 5 + 0.01 / 2 * 1.25;
        Assert.AreEqual(expected, penalty.Compute().item<float>(), 1e-6);

        var gradient = penalty.Compute();
        gradient.backward();
        CollectionAssert.AreEqual(new float[] { 0.1f, 0, -0.2f }, copied.grad!.data<float>().ToArray(), "d/dw = alpha (w - w0)");
    }

    [TestMethod]
    public void DistillationIsZeroWhenStudentEqualsTeacherAndMatchesAHandComputation()
    {
        var logits = torch.tensor(new float[] { 1, 2, 3, -1, 0, 4 }, [2, 3]);
        Assert.AreEqual(0f, Distillation.Loss(logits, logits, DistillationLoss.KullbackLeibler, 2).item<float>(), 1e-7f);
        Assert.AreEqual(0f, Distillation.Loss(logits, logits, DistillationLoss.SquaredError, 1).item<float>());

        var student = torch.tensor(new float[] { 0, 0, 0, 1, 1, 1 }, [2, 3]);
        double t = 2, expected = 0;
        float[] teacherValues = [1, 2, 3, -1, 0, 4], studentValues = [0, 0, 0, 1, 1, 1];
        for (int row = 0; row < 2; row++)
        {
            var p = Softmax(teacherValues.Skip(row * 3).Take(3).Select(v => v / t).ToArray());
            var q = Softmax(studentValues.Skip(row * 3).Take(3).Select(v => v / t).ToArray());
            expected += p.Zip(q).Sum(pq => pq.First * Math.Log(pq.First / pq.Second));
        }
        expected = expected / 2 * t * t;
        Assert.AreEqual(expected, Distillation.Loss(student, logits, DistillationLoss.KullbackLeibler, t).item<float>(), 1e-5);
        double squared = teacherValues.Zip(studentValues).Average(p => (p.First - p.Second) * (p.First - p.Second));
        Assert.AreEqual(squared, Distillation.Loss(student, logits, DistillationLoss.SquaredError, 1).item<float>(), 1e-5);
    }

    private static double[] Softmax(double[] values)
    {
        var e = values.Select(Math.Exp).ToArray();
        return e.Select(v => v / e.Sum()).ToArray();
    }

    [TestMethod]
    public void TrainingWithBothTermsReportsEachPart()
    {
        var ml = new MLContext(0);
        var options = new LayerTransferOptions
        {
            Epochs = 20, FreezeCopiedLayers = false, L2Sp = new L2SpOptions(), Distillation = new DistillationOptions(),
        };
        using var model = ml.TransferLearning().LayerTransfer(TransferFixture.Source, options).Fit(TransferFixture.Keyed(ml, TransferFixture.Target));
        var first = model.TrainingReport!.Epochs[0];
        CollectionAssert.AreEquivalent(new[] { "cross-entropy", "l2-sp", "distillation" }, first.LossParts.Keys.ToArray());
        Assert.IsLessThan(first.LossParts["cross-entropy"] + 0.2, first.LossParts["l2-sp"] + first.LossParts["distillation"] + 0.2,
            "the conservative terms start near zero: the copy starts at the source");
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(TransferFixture.Keyed(ml, TransferFixture.TargetTest)));
        Assert.IsGreaterThan(0.5, metrics.MicroAccuracy);
    }

    [TestMethod]
    public void ConservativeOptionsOutOfRangeAreNamed()
    {
        var ml = new MLContext(0);
        var e = Assert.Throws<ArgumentException>(() => ml.TransferLearning().LayerTransfer(TransferFixture.Source,
            new LayerTransferOptions { L2Sp = new L2SpOptions { Alpha = -1 } }));
        Assert.AreEqual("L2Sp.Alpha", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ml.TransferLearning().LayerTransfer(TransferFixture.Source,
            new LayerTransferOptions { Distillation = new DistillationOptions { Temperature = 0 } }));
        Assert.AreEqual("Distillation.Temperature", e.ParamName);
    }
}
