using Microsoft.ML;
using TransferLearning.ML.Classification;

namespace TransferLearning.ML.Tests.Classification;

[TestClass]
public sealed class CancellationTests
{
    // MLContext.CancelExecution is internal to ML.NET (its own AutoML calls it); hosts such as Model
    // Builder reach it the same way. It cancels every host registered on the context.
    private static void CancelExecution(MLContext ml) =>
        typeof(MLContext).GetMethod("CancelExecution", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.Invoke(ml, null);

    [TestMethod]
    public void CancelExecutionStopsFitBetweenSteps()
    {
        var ml = new MLContext(0);
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(TestData.DigitsSmall.ToDataView(ml)).Transform(TestData.DigitsSmall.ToDataView(ml));
        int steps = 0;
        var options = new NetworkClassifierOptions
        {
            Epochs = 50,
            BatchSize = 10,
            Progress = new Progress(_ => { if (++steps == 3) CancelExecution(ml); }),
        };
        Assert.Throws<OperationCanceledException>(() => ml.TransferLearning().NetworkClassifier(options).Fit(data));
        Assert.AreEqual(3, steps, "training stops at the next step");
    }

    private sealed class Progress(Action<TransferLearning.ML.Torch.Training.TrainingProgress> action) : IProgress<TransferLearning.ML.Torch.Training.TrainingProgress>
    {
        public void Report(TransferLearning.ML.Torch.Training.TrainingProgress value) => action(value);
    }
}
