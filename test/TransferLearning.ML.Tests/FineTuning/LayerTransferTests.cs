using Microsoft.ML;
using TorchSharp;
using TransferLearning.ML.Classification;
using TransferLearning.ML.FineTuning;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Transfer;

namespace TransferLearning.ML.Tests.FineTuning;

[TestClass]
public sealed class LayerTransferTests
{
    [TestMethod]
    public void CopiedBlocksEqualTheSourceRightAfterConstruction()
    {
        torch.manual_seed(1);
        using var lenet = new Network(NetworkSpec.LeNet(1, 20, 20), 400, 10);
        torch.manual_seed(2);
        using var target = BlockTransfer.Build(lenet, 400, 5, copied: 2, CopyDirection.First);
        var source = TransferFixture.State(lenet);
        var copy = TransferFixture.State(target);
        foreach (var name in source.Keys.Where(n => n.StartsWith("body.block0.") || n.StartsWith("body.block1.")))
            CollectionAssert.AreEqual(source[name], copy[name], name);
        Assert.IsFalse(source["body.block2.linear.weight"].SequenceEqual(copy["body.block2.linear.weight"]), "block 2 is fresh");
        CollectionAssert.AreEqual(new long[] { 5, 500 }, target.HeadParameters().Single(p => p.Name == "heads.label.linear.weight").Parameter.shape);
    }

    [TestMethod]
    public void CopyingTheLastBlocksWorksAcrossInputSizes()
    {
        torch.manual_seed(1);
        using var source = new Network(NetworkSpec.Mlp(32, 16, 8), 400, 10);
        using var target = BlockTransfer.Build(source, 64, 3, copied: 2, CopyDirection.Last);
        var from = TransferFixture.State(source);
        var to = TransferFixture.State(target);
        foreach (var name in from.Keys.Where(n => n.StartsWith("body.block1.") || n.StartsWith("body.block2.")))
            CollectionAssert.AreEqual(from[name], to[name], name);
        CollectionAssert.AreEqual(new long[] { 32, 64 }, target.BlockParameters(0).First().Parameter.shape, "the input block is rebuilt for 64 features");
    }

    [TestMethod]
    public void FrozenBlocksAreUnchangedAfterTrainingBatchNormStatisticsIncluded()
    {
        var ml = new MLContext(0);
        var source = TransferFixture.Source;
        using var model = ml.TransferLearning().LayerTransfer(source, epochs: 5).Fit(TransferFixture.Keyed(ml, TransferFixture.Target));
        var before = TransferFixture.State(source.Network);
        var after = TransferFixture.State(model.Network);

        foreach (var name in before.Keys.Where(n => n.StartsWith("body.")))
            CollectionAssert.AreEqual(before[name], after[name], name);
        Assert.IsTrue(after.ContainsKey("body.block0.norm.running_mean"));
        Assert.AreEqual(5, model.NumberOfClasses);
        CollectionAssert.AreEqual(new[] { "5", "6", "7", "8", "9" }, model.ClassNames!.ToArray());
    }

    [TestMethod]
    public void UnfrozenOrFineTunedBlocksMoveAndTheReportCoversBothPhases()
    {
        var ml = new MLContext(0);
        var options = new LayerTransferOptions { Epochs = 3, FineTuneEpochs = 2 };
        using var model = ml.TransferLearning().LayerTransfer(TransferFixture.Source, options).Fit(TransferFixture.Keyed(ml, TransferFixture.Target));
        var before = TransferFixture.State(TransferFixture.Source.Network);
        var after = TransferFixture.State(model.Network);

        Assert.IsFalse(before["body.block0.linear.weight"].SequenceEqual(after["body.block0.linear.weight"]), "the second phase trains copied blocks");
        Assert.HasCount(5, model.TrainingReport!.Epochs);
        CollectionAssert.AreEqual(new[] { 1, 2, 3, 4, 5 }, model.TrainingReport.Epochs.Select(e => e.Epoch).ToArray());
        Assert.AreEqual(5, model.TrainingReport.SelectedEpoch);
    }

    [TestMethod]
    public void FineTuneCopiesEverythingAndTrainsEverything()
    {
        var ml = new MLContext(0);
        using var model = ml.TransferLearning().FineTune(TransferFixture.Source, epochs: 20).Fit(TransferFixture.Keyed(ml, TransferFixture.Target));
        var before = TransferFixture.State(TransferFixture.Source.Network);
        var after = TransferFixture.State(model.Network);
        Assert.IsFalse(before["body.block1.linear.weight"].SequenceEqual(after["body.block1.linear.weight"]));
        var metrics = ml.MulticlassClassification.Evaluate(model.Transform(TransferFixture.Keyed(ml, TransferFixture.TargetTest)));
        Assert.IsGreaterThan(0.6, metrics.MicroAccuracy, $"fine-tuned on 100 digits: {metrics.MicroAccuracy:P1}");
    }

    [TestMethod]
    public void TransferredModelPassesTheWorkout()
    {
        var ml = new MLContext(0);
        var train = TransferFixture.Keyed(ml, TransferFixture.Target);
        var test = TransferFixture.Keyed(ml, TransferFixture.TargetTest);
        Conformance.Workout.Run(ml.TransferLearning().LayerTransfer(TransferFixture.Source, copiedLayers: 1, epochs: 3), train, test).Dispose();
        var options = new LayerTransferOptions { Epochs = 2, L2Sp = new L2SpOptions(), Distillation = new DistillationOptions() };
        Conformance.Workout.Run(ml.TransferLearning().LayerTransfer(TransferFixture.Source, options), train, test).Dispose();
    }

    [TestMethod]
    public void TransferredModelSavesAndReloadsBitIdentically()
    {
        var ml = new MLContext(0);
        var train = TransferFixture.Keyed(ml, TransferFixture.Target);
        using var model = ml.TransferLearning().LayerTransfer(TransferFixture.Source, copiedLayers: 1, epochs: 3).Fit(train);
        var path = TestData.TempFile(".zip");
        ml.Model.Save(model, train.Schema, path);
        var fresh = new MLContext().RegisterTransferLearning();
        var loaded = fresh.Model.Load(path, out _);
        var test = TransferFixture.Keyed(ml, TransferFixture.TargetTest);
        var a = TestData.Scores(ml, model.Transform(test));
        var b = TestData.Scores(fresh, loaded.Transform(test));
        for (int i = 0; i < a.Length; i++) CollectionAssert.AreEqual(a[i], b[i], $"row {i}");
    }

    [TestMethod]
    public void ASourceWithFewerBlocksThanAskedIsRejected()
    {
        var ml = new MLContext(0);
        var e = Assert.Throws<ArgumentException>(() => ml.TransferLearning().LayerTransfer(TransferFixture.Source, copiedLayers: 3));
        StringAssert.Contains(e.Message, "CopiedLayers is 3, but the source network has only 2 blocks");
    }

    [TestMethod]
    public void TargetFeaturesOfAnotherSizeAreRejected()
    {
        var ml = new MLContext(0);
        var small = TransferFixture.Target.Resize(8, 8);
        var e = Assert.Throws<ArgumentException>(() => ml.TransferLearning().LayerTransfer(TransferFixture.Source).Fit(TransferFixture.Keyed(ml, small)));
        StringAssert.Contains(e.Message, "reads 400 features per row");
        StringAssert.Contains(e.Message, "the target data has 64");
    }

    [TestMethod]
    public void DistillationNeedsEveryBlockCopied()
    {
        var ml = new MLContext(0);
        var options = new LayerTransferOptions { CopiedLayers = 1, Distillation = new DistillationOptions() };
        var e = Assert.Throws<ArgumentException>(() => ml.TransferLearning().LayerTransfer(TransferFixture.Source, options));
        Assert.AreEqual("Distillation", e.ParamName);
    }

    [TestMethod]
    public void TheSourceMustHoldANetworkClassifier()
    {
        var ml = new MLContext(0);
        var data = TransferFixture.Target.ToDataView(ml);
        var notANetwork = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data);
        var e = Assert.Throws<ArgumentException>(() => ml.TransferLearning().LayerTransfer(notANetwork));
        StringAssert.Contains(e.Message, "holds no TransferLearning.ML network classifier");
    }

    [TestMethod]
    public void TheSourceCanBeALoadedChain()
    {
        var ml = new MLContext(0);
        var data = TestData.DigitsSmall.WithClasses(0, 1, 2, 3, 4).ToDataView(ml);
        var chain = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.TransferLearning().NetworkClassifier(epochs: 1)).Fit(data);
        var path = TestData.TempFile(".zip");
        ml.Model.Save(chain, data.Schema, path);
        var loaded = new MLContext().RegisterTransferLearning().Model.Load(path, out _);
        using var model = ml.TransferLearning().LayerTransfer(loaded, epochs: 1).Fit(TransferFixture.Keyed(ml, TransferFixture.Target));
        Assert.AreEqual(5, model.NumberOfClasses);
    }
}
