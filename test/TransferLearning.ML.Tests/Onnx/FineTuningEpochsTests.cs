using TransferLearning.ML.Onnx;

namespace TransferLearning.ML.Tests.Onnx;

[TestClass]
public sealed class FineTuningEpochsTests
{
    [TestMethod]
    public void SmallImageSetsGetEnoughStepsAndLargeOnesFiveEpochs()
    {
        Assert.AreEqual(30, ImageBackbones.FineTuningEpochs(25, 16), "2 steps an epoch: 30 epochs for 60 steps");
        Assert.AreEqual(15, ImageBackbones.FineTuningEpochs(50, 16), "4 steps an epoch");
        Assert.AreEqual(60, ImageBackbones.FineTuningEpochs(1, 16));
        Assert.AreEqual(5, ImageBackbones.FineTuningEpochs(500, 16), "32 steps an epoch: the default already gives 160");
        Assert.AreEqual(5, ImageBackbones.FineTuningEpochs(192, 16), "exactly 60 steps at 5 epochs");
        foreach (var (rows, batch) in new[] { (7, 3), (100, 16), (1000, 1) })
            Assert.IsGreaterThanOrEqualTo(ImageBackbones.MinimumFineTuningSteps, ImageBackbones.FineTuningEpochs(rows, batch) * ((rows + batch - 1) / batch));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageBackbones.FineTuningEpochs(0, 16));
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageBackbones.FineTuningEpochs(10, 0));
    }
}
