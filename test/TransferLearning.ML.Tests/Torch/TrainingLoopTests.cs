using TorchSharp;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;
using static TorchSharp.torch;

namespace TransferLearning.ML.Tests.Torch;

[TestClass]
public sealed class TrainingLoopTests
{
    /// <summary>Two Gaussian blobs in 4-d: an easy, fully synthetic classification problem.</summary>
    private static (Tensor Features, Tensor Labels) Blobs(int rows, int seed)
    {
        var random = new Random(seed);
        var x = new float[rows * 4];
        var y = new long[rows];
        for (int i = 0; i < rows; i++)
        {
            y[i] = i % 2;
            for (int j = 0; j < 4; j++) x[i * 4 + j] = (float)(random.NextDouble() - 0.5 + (y[i] == 1 ? 1.5 : 0));
        }
        return (torch.tensor(x, [rows, 4]), torch.tensor(y));
    }

    [TestMethod]
    public void SchedulesHaveThePublishedValues()
    {
        Assert.AreEqual(1.0, LearningRateSchedules.Factor(LearningRateSchedule.Constant, 0.7));
        Assert.AreEqual(1.0, LearningRateSchedules.Factor(LearningRateSchedule.Cosine, 0), 1e-12);
        Assert.AreEqual(0.5, LearningRateSchedules.Factor(LearningRateSchedule.Cosine, 0.5), 1e-12);
        Assert.AreEqual(0.0, LearningRateSchedules.Factor(LearningRateSchedule.Cosine, 1), 1e-12);
        Assert.AreEqual(0.1, LearningRateSchedules.Factor(LearningRateSchedule.Step, 0.6));
        Assert.AreEqual(Math.Pow(11, -0.75), LearningRateSchedules.Factor(LearningRateSchedule.InverseDecay, 1), 1e-12, "Ganin & Lempitsky: 1/(1+10p)^0.75");
    }

    [TestMethod]
    public void SgdWithMomentumLearnsAndTheScheduleReachesTheSteps()
    {
        var (x, y) = Blobs(200, 1);
        torch.manual_seed(0);
        using var network = new Network(NetworkSpec.Mlp(8), 4, 2);
        var rates = new List<double>();
        var options = new TrainingOptions
        {
            Epochs = 10, BatchSize = 20, Optimizer = OptimizerKind.Sgd, LearningRate = 0.1, LearningRateSchedule = LearningRateSchedule.Cosine,
            Progress = new Collect(p => rates.Add(p.LearningRate)),
        };
        var report = TrainingLoop.Run(new ClassificationStep(network, x, y), 200, options, torch.CPU);

        Assert.IsLessThan(0.2, report.Epochs[^1].Loss, $"final loss {report.Epochs[^1].Loss}");
        Assert.AreEqual(0.1, rates[0], 1e-12);
        Assert.IsLessThan(0.001, rates[^1]);
        Assert.IsTrue(rates.Zip(rates.Skip(1)).All(p => p.Second <= p.First), "cosine only decreases");
    }

    [TestMethod]
    public void AGroupAtMultiplierZeroStaysWhereItWas()
    {
        var (x, y) = Blobs(100, 2);
        torch.manual_seed(0);
        using var network = new Network(NetworkSpec.Mlp(8), 4, 2);
        var block = network.BlockParameters(0).Select(p => p.Parameter).ToArray();
        var head = network.HeadParameters().Select(p => p.Parameter).ToArray();
        var before = block.Select(p => p.detach().clone()).ToArray();
        var headBefore = head.Select(p => p.detach().clone()).ToArray();

        var step = new ClassificationStep(network, x, y, [new ParameterGroup(block, 0), new ParameterGroup(head)]);
        TrainingLoop.Run(step, 100, new TrainingOptions { Epochs = 3, BatchSize = 10 }, torch.CPU);

        for (int i = 0; i < block.Length; i++) Assert.IsTrue(block[i].allclose(before[i], 0, 0), "a multiplier of 0 freezes the block");
        Assert.IsFalse(head.Zip(headBefore).All(p => p.First.allclose(p.Second, 0, 0)), "the head trains");
    }

    [TestMethod]
    public void CancellationStopsBetweenSteps()
    {
        var (x, y) = Blobs(100, 3);
        torch.manual_seed(0);
        using var network = new Network(NetworkSpec.Mlp(8), 4, 2);
        using var cancel = new CancellationTokenSource();
        int steps = 0;
        var options = new TrainingOptions
        {
            Epochs = 100, BatchSize = 10, CancellationToken = cancel.Token,
            Progress = new Collect(_ => { if (++steps == 5) cancel.Cancel(); }),
        };
        Assert.Throws<OperationCanceledException>(() => TrainingLoop.Run(new ClassificationStep(network, x, y), 100, options, torch.CPU));
        Assert.AreEqual(5, steps);
    }

    [TestMethod]
    public void NothingToTrainIsAnError()
    {
        var (x, y) = Blobs(10, 4);
        using var network = new Network(NetworkSpec.Mlp(4), 4, 2);
        foreach (var p in network.parameters()) p.requires_grad = false;
        var step = new ClassificationStep(network, x, y, [new ParameterGroup([])]);
        StringAssert.Contains(Assert.Throws<InvalidOperationException>(() => TrainingLoop.Run(step, 10, new TrainingOptions(), torch.CPU)).Message, "every parameter is frozen");
    }

    [TestMethod]
    public void LiveTensorsDoNotGrowWithTheNumberOfSteps()
    {
        var (x, y) = Blobs(256, 5);
        long Leftover(int epochs)
        {
            long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            torch.manual_seed(0);
            using (var network = new Network(NetworkSpec.Mlp(16), 4, 2))
            {
                var options = new TrainingOptions { Epochs = epochs, BatchSize = 16, ValidationFraction = 0.25 };
                TrainingLoop.Run(new ClassificationStep(network, x, y), 256, options, torch.CPU);
            }
            return DisposeScopeManager.Statistics.ThreadTotalLiveCount - before;
        }

        Assert.AreEqual(0, Leftover(1), "tensors left alive after a 1-epoch run");
        Assert.AreEqual(0, Leftover(30), "tensors left alive after a 30-epoch run");
    }

    private sealed class Collect(Action<TrainingProgress> action) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => action(value);
    }
}
