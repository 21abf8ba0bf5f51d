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

    /// <summary>Digits 0-4 as source, the same digits inverted (white on black and black on white) as target, label keyed.</summary>
    private static IDataView InvertedDigits(MLContext ml)
    {
        var digits = TestData.DigitsSmall.WithClasses(0, 1, 2, 3, 4);
        var inverted = new Datasets.ImageDataset(1, 20, 20, digits.Images.Select(i => i.Select(v => 1 - v).ToArray()).ToArray(), digits.Labels, digits.ClassNames);
        var combined = ml.TransferLearning().CombineDomains(digits.ToDataView(ml), inverted.ToDataView(ml));
        return ml.Transforms.Conversion.MapValueToKey("Label").Fit(combined).Transform(combined);
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
        var ml = new MLContext(0);
        var keyed = InvertedDigits(ml);
        var options = DomainAdversarialOptions.ForImages(NetworkSpec.LeNet(1, 20, 20));
        options.Epochs = 3;
        var model = ml.TransferLearning().DomainAdversarial(options).Fit(keyed);
        Assert.IsInstanceOfType<StandardizeLayerSpec>(model.NetworkSpec.Layers[0]);

        model.Dispose();
        Conformance.Workout.Run(ml.TransferLearning().DomainAdversarial(options), keyed, keyed, freshProcess: true).Dispose();
    }

    [TestMethod]
    public void WithLambdaZeroTheDiscriminatorIsNotRunAndATargetCollapseIsReportedAlsoByReverseValidation()
    {
        var ml = new MLContext(0);
        var digits = TestData.DigitsSmall.WithClasses(0, 1, 2, 3, 4);
        // A target of one blank image repeated: whatever the model does, it can only predict one class there.
        var blank = new Datasets.ImageDataset(1, 20, 20, digits.Images.Select(_ => new float[400]).ToArray(), digits.Labels, digits.ClassNames);
        var collapsed = ml.TransferLearning().CombineDomains(digits.ToDataView(ml), blank.ToDataView(ml));
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(collapsed).Transform(collapsed);
        var options = new DomainAdversarialOptions
        {
            Network = NetworkSpec.Mlp(32), Epochs = 20, MaximumLambda = 0, Seed = 1, Optimizer = TransferLearning.ML.Torch.Training.OptimizerKind.Adam, LearningRate = 1e-3,
            ReverseValidation = true,
        };
        using var sourceOnly = ml.TransferLearning().DomainAdversarial(options).Fit(keyed);
        var report = sourceOnly.TrainingReport!;
        Assert.IsTrue(report.Epochs.All(e => e.LossParts.ContainsKey("label") && !e.LossParts.ContainsKey("domain")), "no domain loss with λ = 0");
        Assert.AreEqual(1.0, report.Metrics[DomainAdversarialTrainer.TargetPredictedClasses], 1e-9);
        Assert.IsGreaterThan(4.5, report.Metrics[DomainAdversarialTrainer.SourceLabelClasses], "20 rows of each of 5 classes");
        // Trained on one pseudo-class (of blank rows), the reverse network has learned nothing about the source digits: chance is 20 %.
        Assert.IsLessThan(0.28, report.Metrics[DomainAdversarialTrainer.ReverseValidationAccuracy]);
        Assert.HasCount(2, report.Warnings);
        StringAssert.Contains(report.Warnings[0], "collapsed onto few classes: 1.0 effective classes of 5");
        StringAssert.Contains(report.Warnings[1], "Reverse validation accuracy is");
        StringAssert.Contains(report.Warnings[1], "near chance (20.0 %)");

        // The same digits as target: predictions spread over the classes, the reverse network learns them back, no warning.
        var same = ml.TransferLearning().CombineDomains(digits.ToDataView(ml), digits.ToDataView(ml));
        using var adapted = ml.TransferLearning().DomainAdversarial(new DomainAdversarialOptions
        {
            Network = NetworkSpec.Mlp(32), Epochs = 60, Seed = 1, Optimizer = TransferLearning.ML.Torch.Training.OptimizerKind.Adam, LearningRate = 1e-3,
            ReverseValidation = true,
        }).Fit(ml.Transforms.Conversion.MapValueToKey("Label").Fit(same).Transform(same));
        Assert.IsEmpty(adapted.TrainingReport!.Warnings);
        Assert.IsGreaterThan(3.0, adapted.TrainingReport.Metrics[DomainAdversarialTrainer.TargetPredictedClasses]);
        Assert.IsGreaterThan(0.8, adapted.TrainingReport.Metrics[DomainAdversarialTrainer.ReverseValidationAccuracy]);
        Assert.IsTrue(adapted.TrainingReport.Epochs.All(e => e.LossParts.ContainsKey("domain")));
    }

    [TestMethod]
    public void ReverseValidationTrainsOnTheTargetRowsWhenTheTargetIsSmallerThanTheSource()
    {
        var ml = new MLContext(0);
        var digits = TestData.DigitsSmall.WithClasses(0, 1, 2, 3, 4);
        // Every third digit as the target: a third of the source's rows. The reverse network's batches must index the
        // target's rows, not the source's (this once failed with "index out of range in self").
        var small = digits.Subset(Enumerable.Range(0, digits.Count).Where(i => i % 3 == 0));
        var combined = ml.TransferLearning().CombineDomains(digits.ToDataView(ml), small.ToDataView(ml));
        using var model = ml.TransferLearning().DomainAdversarial(new DomainAdversarialOptions
        {
            Network = NetworkSpec.Mlp(32), Epochs = 40, Seed = 1, Optimizer = TransferLearning.ML.Torch.Training.OptimizerKind.Adam, LearningRate = 1e-3,
            ReverseValidation = true,
        }).Fit(ml.Transforms.Conversion.MapValueToKey("Label").Fit(combined).Transform(combined));
        // The target is the source's own digits, so the model's target predictions are mostly right and a network
        // trained on them classifies the source well above chance (20 %).
        Assert.IsGreaterThan(0.6, model.TrainingReport!.Metrics[DomainAdversarialTrainer.ReverseValidationAccuracy]);
    }

    [TestMethod]
    public void RampedInformationMaximizationRisesWithTheLambdaSchedule()
    {
        var ml = new MLContext(0);
        var data = ShiftedBlobs.Combined(ml);
        DomainAdversarialOptions Options(bool ramp) => new()
        {
            Network = NetworkSpec.Mlp(16), Epochs = 5, Seed = 3, InformationMaximizationWeight = 0.3, RampInformationMaximization = ramp,
        };
        using var ramped = ml.TransferLearning().DomainAdversarial(Options(true)).Fit(data);
        using var full = ml.TransferLearning().DomainAdversarial(Options(false)).Fit(data);
        var weights = ramped.TrainingReport!.Epochs.Select(e => e.LossParts["information-weight"]).ToArray();
        Assert.IsTrue(weights.Zip(weights.Skip(1)).All(p => p.Second > p.First), string.Join(", ", weights));
        Assert.IsLessThan(0.3 * 0.7, weights[0], "the first epoch's mean weight is well below the full weight");
        // λ and the ramp share their shape: the ramp is λ scaled to the weight.
        var lambdas = ramped.TrainingReport.Epochs.Select(e => e.LossParts["lambda"]).ToArray();
        for (int i = 0; i < weights.Length; i++) Assert.AreEqual(0.3 * lambdas[i], weights[i], 1e-4, $"epoch {i + 1}");
        Assert.IsTrue(full.TrainingReport!.Epochs.All(e => Math.Abs(e.LossParts["information-weight"] - 0.3) < 1e-6));
    }

    [TestMethod]
    public void SelfTrainingLearnsFromConfidentWeakViewPredictionsOnTheTarget()
    {
        var ml = new MLContext(0);
        var keyed = InvertedDigits(ml);
        var options = DomainAdversarialOptions.ForImages(NetworkSpec.LeNet(1, 20, 20));
        options.Epochs = 4;
        Assert.AreEqual(1, options.SelfTrainingWeight, "ForImages self-trains (FixMatch's weight)");
        options.SelfTrainingThreshold = 0.5;
        using var model = ml.TransferLearning().DomainAdversarial(options).Fit(keyed);
        var epochs = model.TrainingReport!.Epochs;
        Assert.IsTrue(epochs.All(e => e.LossParts["confident-share"] is >= 0 and <= 1 && e.LossParts["self-training"] >= 0));
        Assert.IsGreaterThan(epochs[0].LossParts["confident-share"], epochs[^1].LossParts["confident-share"], "more target rows become confident as training goes on");

        // Target batches left unaugmented for the adversary: self-training still learns, from a strong view of its own.
        options.AugmentTargetBatches = false;
        using var unaugmented = ml.TransferLearning().DomainAdversarial(options).Fit(keyed);
        var plainEpochs = unaugmented.TrainingReport!.Epochs;
        Assert.IsGreaterThan(plainEpochs[0].LossParts["confident-share"], plainEpochs[^1].LossParts["confident-share"]);
        Assert.AreNotEqual(epochs[^1].LossParts["self-training"], plainEpochs[^1].LossParts["self-training"]);

        var plain = new DomainAdversarialOptions { Network = NetworkSpec.LeNet(1, 20, 20), SelfTrainingWeight = 1 };
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => ml.TransferLearning().DomainAdversarial(plain).Fit(keyed)).Message, "SelfTrainingWeight needs Augmentation");
        Assert.Throws<ArgumentException>(() => ml.TransferLearning().DomainAdversarial(new DomainAdversarialOptions { SelfTrainingThreshold = 0 }));
    }
}
