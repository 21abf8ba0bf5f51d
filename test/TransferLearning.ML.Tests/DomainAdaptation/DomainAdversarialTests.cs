using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Classification;
using TransferLearning.ML.DomainAdaptation;
using TransferLearning.ML.Torch.Adaptation;
using TransferLearning.ML.Torch.Networks;

namespace TransferLearning.ML.Tests.DomainAdaptation;

[TestClass]
public sealed class DomainAdversarialTests
{
    private static DomainAdversarialOptions Options(double maximumLambda) => new()
    {
        Network = NetworkSpec.Mlp(16),
        Epochs = 30,
        MaximumLambda = maximumLambda,
        Seed = 3,
    };

    /// <summary>
    /// The classifier's end-to-end weight on input <paramref name="feature"/>: how much the margin
    /// between the two classes moves when that input moves by one, averaged over source and target rows.
    /// </summary>
    private static double InputWeight(NetworkTransformer model, int feature)
    {
        var rows = ShiftedBlobs.Make(200, false, 9).Concat(ShiftedBlobs.Make(200, true, 10)).SelectMany(r => r.Features).ToArray();
        using var noGrad = TorchSharp.torch.no_grad();
        using var scope = TorchSharp.torch.NewDisposeScope();
        var x = TorchSharp.torch.tensor(rows, [400, 5]);
        var step = TorchSharp.torch.zeros(5);
        step[feature] = TorchSharp.torch.tensor(1f);
        var change = model.Network.forward(x + step) - model.Network.forward(x);
        return (change.select(1, 1) - change.select(1, 0)).abs().mean().item<float>();
    }

    [TestMethod]
    public void ShrinksTheWeightOnTheDomainFeatureAndBeatsLambdaZeroOnTheTarget()
    {
        var ml = new MLContext(0);
        var data = ShiftedBlobs.Combined(ml);
        var test = ShiftedBlobs.TargetTest(ml);
        using var sourceOnly = ml.TransferLearning().DomainAdversarial(Options(0)).Fit(data);
        using var adapted = ml.TransferLearning().DomainAdversarial(Options(1)).Fit(data);

        double plain = ml.MulticlassClassification.Evaluate(sourceOnly.Transform(test)).MicroAccuracy;
        double dann = ml.MulticlassClassification.Evaluate(adapted.Transform(test)).MicroAccuracy;
        double plainWeight = InputWeight(sourceOnly, ShiftedBlobs.DomainFeature) / InputWeight(sourceOnly, 0);
        double dannWeight = InputWeight(adapted, ShiftedBlobs.DomainFeature) / InputWeight(adapted, 0);
        Assert.IsLessThan(0.7 * plainWeight, dannWeight,
            $"weight on the domain feature relative to a label feature: λ = 0 {plainWeight:F2}, DANN {dannWeight:F2}");
        Assert.IsGreaterThan(plain + 0.1, dann, $"target accuracy: λ = 0 {plain:P1}, DANN {dann:P1}");
    }

    [TestMethod]
    public void ReportsLossesDiscriminatorAccuracyAndProxyADistance()
    {
        var ml = new MLContext(0);
        using var model = ml.TransferLearning().DomainAdversarial(Options(1)).Fit(ShiftedBlobs.Combined(ml));
        var report = model.TrainingReport!;
        Assert.HasCount(30, report.Epochs);
        foreach (var part in new[] { "label", "domain", "domain-accuracy", "lambda" })
            Assert.IsTrue(report.Epochs.All(e => e.LossParts.ContainsKey(part)), part);
        Assert.IsGreaterThan(report.Epochs[0].LossParts["lambda"], report.Epochs[1].LossParts["lambda"], "λ rises");
        Assert.IsGreaterThan(0.9, report.Epochs[^1].LossParts["lambda"]);
        double before = report.Metrics[DomainAdversarialTrainer.ProxyADistanceBefore];
        double after = report.Metrics[DomainAdversarialTrainer.ProxyADistanceAfter];
        Assert.IsGreaterThan(1.9, before, "the raw domains are linearly separable by feature 4");
        Assert.IsTrue(after is >= 0 and <= 2, $"proxy A-distance after: {after}");
        Assert.IsGreaterThan(0.8, report.Metrics[DomainAdversarialTrainer.SourceAccuracy]);
    }

    [TestMethod]
    public void TheDiscriminatorBasedCriterionSelectsWithoutTargetLabels()
    {
        var ml = new MLContext(0);
        var options = Options(1);
        options.ValidationFraction = 0.2;
        options.SelectionCriterion = SelectionCriterion.SourceErrorPlusDomainDistance;
        using var model = ml.TransferLearning().DomainAdversarial(options).Fit(ShiftedBlobs.Combined(ml));
        var report = model.TrainingReport!;
        Assert.IsTrue(report.Epochs.All(e => e.ValidationScore is >= 0 and <= 2), "error + PAD/2 lies in [0, 2]");
        Assert.AreEqual(report.Epochs.MinBy(e => e.ValidationScore)!.Epoch, report.SelectedEpoch);
    }

    [TestMethod]
    public void ACollapsedModelIsRefused()
    {
        var ml = new MLContext(0);
        var options = Options(1);
        options.Epochs = 1;
        options.LearningRate = 1e-7;
        var e = Assert.Throws<InvalidOperationException>(() => ml.TransferLearning().DomainAdversarial(options).Fit(ShiftedBlobs.Combined(ml)));
        StringAssert.Contains(e.Message, "collapsed");
    }

    [TestMethod]
    public void MissingDomainColumnNoTargetRowsAndUnlabelledSourceRowsAreClearErrors()
    {
        var ml = new MLContext(0);
        var source = ml.Data.LoadFromEnumerable(ShiftedBlobs.Make(20, false, 1));
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(source).Transform(source);
        var e = Assert.Throws<ArgumentException>(() => ml.TransferLearning().DomainAdversarial().Fit(keyed));
        StringAssert.Contains(e.Message, "Domain column 'IsTarget' was not found");
        StringAssert.Contains(e.Message, "CombineDomains");

        var noTarget = ml.Transforms.Conversion.MapValueToKey("Label").Fit(source)
            .Transform(ml.TransferLearning().CombineDomains(source, ml.Data.LoadFromEnumerable(Array.Empty<ShiftedBlobs.Row>())));
        var empty = Assert.Throws<InvalidDataException>(() => ml.TransferLearning().DomainAdversarial().Fit(noTarget));
        StringAssert.Contains(empty.Message, "no target rows");

        var rows = ShiftedBlobs.Make(20, false, 1);
        rows[5].Label = null;
        var withHole = ml.TransferLearning().CombineDomains(ml.Data.LoadFromEnumerable(rows), ml.Data.LoadFromEnumerable(ShiftedBlobs.Make(20, true, 2)));
        var keyedHole = ml.Transforms.Conversion.MapValueToKey("Label").Fit(withHole).Transform(withHole);
        var unlabelled = Assert.Throws<InvalidDataException>(() => ml.TransferLearning().DomainAdversarial().Fit(keyedHole));
        StringAssert.Contains(unlabelled.Message, "Label column 'Label' is missing at row 5");

        var wrongType = ml.Transforms.Conversion.MapValueToKey("Label").Fit(source).Transform(source);
        var options = new DomainAdversarialOptions { DomainColumnName = "Label" };
        var typed = Assert.Throws<ArgumentException>(() => ml.TransferLearning().DomainAdversarial(options).Fit(wrongType));
        StringAssert.Contains(typed.Message, "must be Boolean");
    }

    [TestMethod]
    public void OptionsThatDoNotFitTheNetworkAreNamed()
    {
        var ml = new MLContext(0);
        var e = Assert.Throws<ArgumentException>(() => ml.TransferLearning().DomainAdversarial(
            new DomainAdversarialOptions { DomainSpecificBatchNorm = true }).Fit(ShiftedBlobs.Combined(ml, 20)));
        Assert.AreEqual("DomainSpecificBatchNorm", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ml.TransferLearning().DomainAdversarial(
            new DomainAdversarialOptions { Augmentation = new AugmentationSettings() }).Fit(ShiftedBlobs.Combined(ml, 20)));
        Assert.AreEqual("Augmentation", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => ml.TransferLearning().DomainAdversarial(
            new DomainAdversarialOptions { SelectionCriterion = SelectionCriterion.SourceErrorPlusDomainDistance }));
        Assert.AreEqual("SelectionCriterion", e.ParamName);
    }

    [TestMethod]
    public void TheImageRecipeTrainsOnDigitsAndPassesTheWorkout()
    {
        // Digits 0-4 as source, the same digits inverted (white on black <-> black on white) as target.
        var ml = new MLContext(0);
        var digits = TestData.DigitsSmall.WithClasses(0, 1, 2, 3, 4);
        var inverted = new Datasets.ImageDataset(1, 20, 20, digits.Images.Select(i => i.Select(v => 1 - v).ToArray()).ToArray(), digits.Labels, digits.ClassNames);
        var combined = ml.TransferLearning().CombineDomains(digits.ToDataView(ml), inverted.ToDataView(ml));
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(combined).Transform(combined);
        var options = DomainAdversarialOptions.ForImages(NetworkSpec.LeNet(1, 20, 20));
        options.Epochs = 3;
        var model = ml.TransferLearning().DomainAdversarial(options).Fit(keyed);
        Assert.IsInstanceOfType<StandardizeLayerSpec>(model.NetworkSpec.Layers[0]);

        model.Dispose();
        Conformance.Workout.Run(ml.TransferLearning().DomainAdversarial(options), keyed, keyed, freshProcess: true).Dispose();
    }
}
