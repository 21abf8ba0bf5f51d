using TorchSharp;
using TransferLearning.ML.Torch.Adaptation;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training.Sampling;

namespace TransferLearning.ML.Tests.DomainAdaptation;

[TestClass]
public sealed class TargetAugmentationTests
{
    // An augmentation that inverts every channel and does nothing else: whether a batch went through it shows in its logits.
    private static readonly AugmentationSettings InvertAll = new(RotationDegrees: 0, Scale: 0, Translation: 0, BlurProbability: 0,
        PolarityProbability: 1, Contrast: 0, Brightness: 0);

    /// <summary>The information-maximisation loss (which reads the target batch alone) of one step with λ = 0.</summary>
    private static float InformationLoss(AugmentationSettings? augmentation, bool augmentTarget)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        using var network = new Network(NetworkSpec.Mlp(8), 16, 3);
        using var discriminator = new DomainDiscriminator(network.FeatureSize, [4], 0);
        var source = torch.rand(8, 16);
        var labels = torch.tensor(new long[] { 0, 1, 2, 0, 1, 2, 0, 1 });
        var target = torch.rand(8, 16);
        var settings = new DomainAdversarialSettings(0, 10, 1, false, augmentation is null ? null : new ImageAugmentation(1, 4, 4, augmentation),
            SelectionCriterion.SourceValidationLoss, 0, AugmentTarget: augmentTarget);
        var step = new DomainAdversarialStep(network, discriminator, source, labels, target, torch.zeros(0, 16), settings);
        step.Model.eval(); // no dropout, so that only the batches differ between calls
        var all = torch.arange(8, dtype: torch.ScalarType.Int64);
        return step.Loss(new Batch(all, all), 0.5).Parts.Single(p => p.Name == "information").Value.item<float>();
    }

    [TestMethod]
    public void WithoutTargetAugmentationTheTargetBatchIsSeenAsItIs()
    {
        float plain = InformationLoss(null, augmentTarget: true);
        Assert.AreEqual(plain, InformationLoss(InvertAll, augmentTarget: false), "the target batch is not augmented");
        Assert.AreNotEqual(plain, InformationLoss(InvertAll, augmentTarget: true), "the target batch is inverted");
    }
}
