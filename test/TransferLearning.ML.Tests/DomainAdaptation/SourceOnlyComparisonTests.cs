using Microsoft.ML;
using TransferLearning.ML.DomainAdaptation;

namespace TransferLearning.ML.Tests.DomainAdaptation;

[TestClass]
public sealed class SourceOnlyComparisonTests
{
    [TestMethod]
    public void ChangesWhereTheSourceOnlyModelIsSureAreWarnedAbout()
    {
        var ml = new MLContext(0);
        var rows = ShiftedBlobs.Make(400, target: false, seed: 1);
        var target = ml.Data.LoadFromEnumerable(ShiftedBlobs.Make(400, target: true, seed: 2).Select(r => new ShiftedBlobs.Unlabelled { Features = r.Features }));
        // The classifiers read Features only (the key mapping is not part of them), as target rows have no label.
        ITransformer Train(IEnumerable<ShiftedBlobs.Row> data)
        {
            var view = ml.Data.LoadFromEnumerable(data);
            var keyed = ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue).Fit(view).Transform(view);
            return ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy().Fit(keyed);
        }
        var sourceOnly = Train(rows);

        // The same model: full agreement, no warning.
        var same = ml.TransferLearning().CompareWithSourceOnly(sourceOnly, sourceOnly, target);
        Assert.AreEqual(400, same.Rows);
        Assert.AreEqual(1.0, same.Agreement);
        Assert.AreEqual(1.0, same.ConfidentAgreement);
        Assert.IsEmpty(same.Warnings);

        // A model that reads only feature 0 disagrees near the diagonal boundary, where the source-only model is unsure.
        var oneFeature = Train(rows.Select(r => new ShiftedBlobs.Row { Label = r.Label, Features = [r.Features[0], 0, 0, 0, 0] }));
        var partial = ml.TransferLearning().CompareWithSourceOnly(oneFeature, sourceOnly, target);
        Assert.IsLessThan(1.0, partial.Agreement);
        Assert.IsGreaterThan(partial.Agreement, partial.ConfidentAgreement, "its changes are where the source-only model is least sure");
        Assert.HasCount(partial.ConfidentAgreement < SourceOnlyComparison.WarningThreshold ? 1 : 0, partial.Warnings);
        Console.WriteLine($"agreement {partial.Agreement:P1}, on the most confident quarter {partial.ConfidentAgreement:P1}");

        // Swapped classes: the adapted model contradicts every sure prediction.
        var swapped = Train(rows.Select(r => new ShiftedBlobs.Row { Label = r.Label == "a" ? "b" : "a", Features = r.Features }));
        var broken = ml.TransferLearning().CompareWithSourceOnly(swapped, sourceOnly, target, confidentShare: 0.5);
        Assert.AreEqual(0.5, broken.ConfidentShare);
        Assert.IsLessThan(0.1, broken.ConfidentAgreement);
        Assert.HasCount(1, broken.Warnings);
        StringAssert.Contains(broken.Warnings[0], "adaptation has likely hurt");

        // Bad input is named.
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => ml.TransferLearning().CompareWithSourceOnly(swapped, sourceOnly, target, confidentShare: 0)).Message, "confidentShare");
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => ml.TransferLearning().CompareWithSourceOnly(swapped, sourceOnly, target, scoreColumnName: "Nope")).Message, "'Nope'");
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => ml.TransferLearning().CompareWithSourceOnly(swapped, sourceOnly, ml.Data.SkipRows(target, 1000))).Message, "no target rows");
        var threeClasses = Train(rows.Select((r, i) => new ShiftedBlobs.Row { Label = i % 3 == 0 ? "c" : r.Label, Features = r.Features }));
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => ml.TransferLearning().CompareWithSourceOnly(threeClasses, sourceOnly, target)).Message, "3 classes");
    }

    [TestMethod]
    public void TheSourceOnlyTwinTurnsOffAdaptationAndKeepsTheRest()
    {
        var options = DomainAdversarialOptions.ForImages(TransferLearning.ML.Torch.Networks.NetworkSpec.LeNet(1, 20, 20));
        options.ReverseValidation = true;
        options.Seed = 4;
        var twin = options.SourceOnly();
        Assert.AreEqual(0, twin.MaximumLambda);
        Assert.AreEqual(0, twin.InformationMaximizationWeight);
        Assert.AreEqual(0, twin.SelfTrainingWeight);
        Assert.IsFalse(twin.ReverseValidation);
        Assert.AreSame(options.Network, twin.Network);
        Assert.AreEqual(options.Augmentation, twin.Augmentation);
        Assert.IsTrue(twin.DomainSpecificBatchNorm);
        Assert.AreEqual((options.Epochs, options.LearningRate, options.Optimizer, 4), (twin.Epochs, twin.LearningRate, twin.Optimizer, twin.Seed));
        Assert.AreEqual(0.3, options.MaximumLambda, "the original is left as it was");
        Assert.AreEqual(1, options.SelfTrainingWeight);
        twin.Validate();
    }
}
