using Microsoft.ML;
using TorchSharp;
using TransferLearning.ML.SelfTaught;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.SelfTaught;

namespace TransferLearning.ML.Tests.SelfTaught;

[TestClass]
public sealed class ConvolutionalAutoencoderTests
{
    private static readonly NetworkSpec ConvolutionalEncoder = new()
    {
        InputShape = [1, 20, 20],
        Layers = [new ConvolutionLayerSpec(8, 3) { Padding = 1 }, new ConvolutionLayerSpec(16, 3) { Padding = 1 }],
    };

    [TestMethod]
    public void MirroredDecoderRetracesTheEncodersShapes()
    {
        var encoder = new NetworkSpec
        {
            InputShape = [1, 7, 7],
            Layers = [new ConvolutionLayerSpec(4, 3) { Padding = 1 }, new StandardizeLayerSpec(), new DenseLayerSpec(12), new DenseLayerSpec(6)],
        };
        var decoder = DecoderHeadSpec.Mirror("reconstruction", encoder, [1, 7, 7], sigmoid: true);
        CollectionAssert.AreEqual(new[] { 6, 12 }, decoder.Hidden.ToArray(), "dense layers in reverse order");
        Assert.HasCount(1, decoder.Stages);
        CollectionAssert.AreEqual(new[] { 4, 3, 3 }, decoder.Stages[0], "the convolution's output (7x7 pooled to 3x3)");
        CollectionAssert.AreEqual(new[] { 1, 7, 7 }, decoder.OutputShape);

        // The spec's own count of stored values is the module's, and the output is the input's size, flattened.
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(0);
        var spec = new ModelSpec { Trunk = new NetworkSpec { InputShape = encoder.InputShape, Layers = [.. encoder.Layers, new DenseLayerSpec(3)] }, Heads = [decoder] };
        using var network = new Network(spec, 49);
        Assert.AreEqual(spec.StoredValues(49), network.parameters().Sum(p => p.numel()) + network.buffers().Sum(b => b.numel()));
        var input = torch.rand(5, 49);
        var output = network.Head("reconstruction", network.Features(input));
        CollectionAssert.AreEqual(new long[] { 5, 49 }, output.shape);
        using (torch.no_grad())
        {
            network.eval();
            var inferred = network.Outputs(input, ["reconstruction"])[0];
            Assert.IsTrue(inferred.ge(0).all().item<bool>() && inferred.le(1).all().item<bool>(), "Sigmoid at inference");
        }
        Assert.AreEqual(spec.ToJson(), ModelSpec.FromJson(spec.ToJson()).ToJson(), "JSON round trip");

        var wrong = new DecoderHeadSpec("d", [49]) { Stages = [[4, 3, 3]] };
        var error = Assert.Throws<ArgumentException>(() => wrong.OutputSize(3));
        StringAssert.Contains(error.Message, "OutputShape must be [channels, height, width]");
    }

    [TestMethod]
    public void ConvolutionalAutoencoderLearnsFeaturesAndPassesTheWorkout()
    {
        var ml = new MLContext(0);
        var unlabelled = ml.Transforms.DropColumns("Label").Fit(TestData.DigitsSmall.ToDataView(ml)).Transform(TestData.DigitsTrain.SplitPerClass(60, seed: 2).Selected.ToDataView(ml));
        var options = new SelfTaughtFeaturesOptions
        {
            Encoder = ConvolutionalEncoder, CodeSize = 16, Reconstruction = ReconstructionLoss.CrossEntropy, Corruption = 0.2, Epochs = 4, Seed = 2,
        };
        using var encoder = ml.TransferLearning().SelfTaughtFeatures(options).Fit(unlabelled);
        var epochs = encoder.TrainingReport!.Epochs;
        Assert.IsLessThan(epochs[0].Loss * 0.9, epochs[^1].Loss, $"reconstruction loss falls: {epochs[0].Loss:F4} -> {epochs[^1].Loss:F4}");
        Assert.IsInstanceOfType<DecoderHeadSpec>(encoder.Network.ModelSpec.Heads[0], "Auto picks the mirrored decoder for a convolutional encoder");
        Assert.IsGreaterThan(CodeSpread.CollapseThreshold, encoder.TrainingReport.Metrics[SelfTaughtFeaturesEstimator.CodeSpreadMetric]);

        var rows = TestData.DigitsSmall.ToDataView(ml);
        Conformance.Workout.Run(ml.TransferLearning().SelfTaughtFeatures(new SelfTaughtFeaturesOptions { Encoder = ConvolutionalEncoder, CodeSize = 4, Epochs = 1 }), rows, rows, freshProcess: true).Dispose();
        var linear = ml.TransferLearning().SelfTaughtFeatures(new SelfTaughtFeaturesOptions { Encoder = ConvolutionalEncoder, CodeSize = 4, Epochs = 1, Decoder = AutoencoderDecoder.Linear }).Fit(rows);
        Assert.IsInstanceOfType<RegressionHeadSpec>(linear.Network.ModelSpec.Heads[0], "Linear is kept when asked for");
        linear.Dispose();

        var flat = Assert.Throws<ArgumentException>(() => ml.TransferLearning().SelfTaughtFeatures(new SelfTaughtFeaturesOptions
        {
            Encoder = ConvolutionalEncoder.WithInputShape(1, 10, 10), Epochs = 1,
        }).Fit(rows));
        StringAssert.Contains(flat.Message, "Option Encoder does not fit the data");
    }

    [TestMethod]
    public void RefusesACollapsedCodeUnlessAskedToKeepIt()
    {
        var ml = new MLContext(0);
        var rows = ml.Transforms.DropColumns("Label").Fit(TestData.DigitsSmall.ToDataView(ml)).Transform(TestData.DigitsSmall.ToDataView(ml));
        // Sigmoid code units without batch norm and a large step saturate: every row is coded alike.
        SelfTaughtFeaturesOptions Saturating(bool fail) => new()
        {
            Encoder = NetworkSpec.Mlp(64), CodeSize = 16, CodeBatchNorm = false, LearningRate = 0.05, Epochs = 5,
            Reconstruction = ReconstructionLoss.CrossEntropy, FailOnCollapse = fail,
        };
        var error = Assert.Throws<InvalidOperationException>(() => ml.TransferLearning().SelfTaughtFeatures(Saturating(true)).Fit(rows));
        StringAssert.Contains(error.Message, "code collapsed");
        StringAssert.Contains(error.Message, "FailOnCollapse");
        using var kept = ml.TransferLearning().SelfTaughtFeatures(Saturating(false)).Fit(rows);
        Assert.IsLessThan(CodeSpread.CollapseThreshold, kept.TrainingReport!.Metrics[SelfTaughtFeaturesEstimator.CodeSpreadMetric]);
    }
}
