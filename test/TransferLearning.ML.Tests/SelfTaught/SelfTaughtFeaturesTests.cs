using Microsoft.ML;
using TorchSharp;
using TransferLearning.ML.FineTuning;
using TransferLearning.ML.SelfTaught;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.SelfTaught;
using TransferLearning.ML.Torch.Training.Sampling;
using TransferLearning.ML.Torch.Transfer;

namespace TransferLearning.ML.Tests.SelfTaught;

[TestClass]
public sealed class SelfTaughtFeaturesTests
{
    [TestMethod]
    public void SparsityPenaltiesEqualAHandComputation()
    {
        using var scope = torch.NewDisposeScope();
        var code = torch.tensor(new float[] { 0.1f, 0.3f, 0.3f, 0.5f }, [2, 2]);
        Assert.AreEqual((0.4 + 0.8) / 2, Sparsity.Penalty(code, SparsityPenalty.L1, 0.05).item<float>(), 1e-6, "mean over rows of the L1 norm");
        // Mean activations 0.2 and 0.4 against rho = 0.05.
        double Kl(double m) => 0.05 * Math.Log(0.05 / m) + 0.95 * Math.Log(0.95 / (1 - m));
        Assert.AreEqual(Kl(0.2) + Kl(0.4), Sparsity.Penalty(code, SparsityPenalty.KullbackLeibler, 0.05).item<float>(), 1e-5);
        Assert.AreEqual(0, Sparsity.Penalty(code, SparsityPenalty.None, 0.05).item<float>());
    }

    [TestMethod]
    public void DenoisingCorruptsTheInputAndReconstructsTheCleanRows()
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(1);
        var network = new Network(new ModelSpec { Trunk = NetworkSpec.Mlp(8), Heads = [new RegressionHeadSpec("reconstruction", 20)] }, 20);
        var features = torch.rand(50, 20) + 0.5;
        var options = new SelfTaughtFeaturesOptions { Corruption = 0.3 };
        var batch = new Batch(torch.arange(50, dtype: torch.int64));
        var step = new AutoencoderStep(network, features, "reconstruction", options, seed: 3);
        var loss = step.Loss(batch, 0).Total.item<float>();

        // The same seed gives the same masks: the loss is that of the corrupted rows against the clean ones.
        var twin = new AutoencoderStep(network, features, "reconstruction", options, seed: 3);
        var corrupted = twin.Corrupt(features);
        Assert.AreEqual(loss, twin.Compute(corrupted, features).Total.item<float>(), 1e-7);
        Assert.AreNotEqual(loss, twin.Compute(corrupted, corrupted).Total.item<float>(), "the target is the clean input");
        double zeroed = corrupted.eq(0).to_type(torch.float32).mean().item<float>();
        Assert.AreEqual(0.3, zeroed, 0.03, "about Corruption of the values are zeroed");
        Assert.IsTrue(features.eq(0).sum().item<long>() == 0, "the rows themselves are untouched");
    }

    [TestMethod]
    public void LearnsFeaturesFromUnlabelledRowsThatAnMlNetTrainerAndFineTuningUse()
    {
        var ml = new MLContext(0);
        // Unlabelled source: 2000 digits without their labels; target: 10 labelled digits per class.
        var unlabelled = ml.Transforms.DropColumns("Label").Fit(TestData.DigitsTrain.ToDataView(ml)).Transform(TestData.DigitsTrain.SplitPerClass(200, seed: 5).Selected.ToDataView(ml));
        var options = new SelfTaughtFeaturesOptions
        {
            Encoder = NetworkSpec.Mlp(128), CodeSize = 32, Reconstruction = ReconstructionLoss.CrossEntropy, Corruption = 0.2,
            Sparsity = SparsityPenalty.KullbackLeibler, SparsityWeight = 0.01, Epochs = 8, Seed = 1,
        };
        using var encoder = ml.TransferLearning().SelfTaughtFeatures(options).Fit(unlabelled);
        var epochs = encoder.TrainingReport!.Epochs;
        Assert.IsLessThan(epochs[0].Loss * 0.9, epochs[^1].Loss, $"reconstruction loss falls: {epochs[0].Loss:F4} -> {epochs[^1].Loss:F4}");
        Assert.IsTrue(epochs[^1].LossParts.ContainsKey("sparsity"));

        var few = TestData.Keyed(ml, TestData.DigitsTrain.SplitPerClass(10, seed: 9).Selected);
        var test = TestData.Keyed(ml, TestData.DigitsTest);
        var linear = ml.Transforms.NormalizeMinMax("SelfTaughtFeatures").AppendCacheCheckpoint(ml).Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(featureColumnName: "SelfTaughtFeatures"));
        var onCodes = linear.Fit(encoder.Transform(few));
        double accuracy = ml.MulticlassClassification.Evaluate(onCodes.Transform(encoder.Transform(test))).MicroAccuracy;
        Assert.IsGreaterThan(0.6, accuracy, $"a linear model on 32 self-taught features from 100 labels: {accuracy:P1}");

        // The encoder is a source network: frozen under a new head, or fine-tuned, with the few labels.
        // (Sparse sigmoid codes are small: the new head needs a larger step than the default 0.001.)
        using var frozen = ml.TransferLearning().LayerTransfer(encoder, epochs: 50, learningRate: 0.01).Fit(few);
        double frozenAccuracy = ml.MulticlassClassification.Evaluate(frozen.Transform(test)).MicroAccuracy;
        Assert.IsGreaterThan(0.3, frozenAccuracy, $"frozen encoder + new head: {frozenAccuracy:P1} (chance 10 %)");
        var encoderWeights = encoder.Network.state_dict();
        foreach (var (name, value) in frozen.Network.state_dict().Where(p => p.Key.StartsWith("body.", StringComparison.Ordinal)))
            Assert.IsTrue(value.eq(encoderWeights[name]).all().item<bool>(), $"{name} is the encoder's");
        using var tuned = ml.TransferLearning().FineTune(encoder, epochs: 50, learningRate: 0.003).Fit(few);
        double fineTuned = ml.MulticlassClassification.Evaluate(tuned.Transform(test)).MicroAccuracy;
        Assert.IsGreaterThan(0.3, fineTuned, $"fine-tuned encoder: {fineTuned:P1} (chance 10 %)");
        var distil = Assert.Throws<ArgumentException>(() => ml.TransferLearning().LayerTransfer(encoder, new LayerTransferOptions { Distillation = new DistillationOptions() }));
        StringAssert.Contains(distil.Message, "Distillation needs a source classifier");
    }

    [TestMethod]
    public void PassesTheWorkoutAndRefusesBadOptions()
    {
        var ml = new MLContext(0);
        var rows = TestData.DigitsSmall.ToDataView(ml);
        var options = new SelfTaughtFeaturesOptions { Encoder = NetworkSpec.Mlp(16), CodeSize = 4, Epochs = 1, Corruption = 0.1, Sparsity = SparsityPenalty.L1 };
        Conformance.Workout.Run(ml.TransferLearning().SelfTaughtFeatures(options), rows, rows, freshProcess: true).Dispose();

        var kl = Assert.Throws<ArgumentException>(() => ml.TransferLearning().SelfTaughtFeatures(new SelfTaughtFeaturesOptions { Sparsity = SparsityPenalty.KullbackLeibler, CodeActivation = Activation.Relu }));
        StringAssert.Contains(kl.Message, "CodeActivation");
        var corruption = Assert.Throws<ArgumentException>(() => ml.TransferLearning().SelfTaughtFeatures(new SelfTaughtFeaturesOptions { Corruption = 1 }));
        StringAssert.Contains(corruption.Message, "Corruption");
        var empty = Assert.Throws<InvalidDataException>(() => ml.TransferLearning().SelfTaughtFeatures(options).Fit(ml.Data.SkipRows(rows, 10_000)));
        StringAssert.Contains(empty.Message, "no rows");
        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => ml.TransferLearning().SelfTaughtFeatures(new SelfTaughtFeaturesOptions { FeatureColumnName = "Pixels" }).Fit(rows));
        StringAssert.Contains(missing.Message, "'Pixels'");
    }
}
