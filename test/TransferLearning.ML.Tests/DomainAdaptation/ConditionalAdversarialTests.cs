using Microsoft.ML;
using TorchSharp;
using TransferLearning.ML.DomainAdaptation;
using TransferLearning.ML.Torch.Adaptation;
using TransferLearning.ML.Torch.Networks;

namespace TransferLearning.ML.Tests.DomainAdaptation;

[TestClass]
public sealed class ConditionalAdversarialTests
{
    [TestMethod]
    public void TheMultilinearMapIsTheOuterProductOfFeaturesAndDetachedProbabilities()
    {
        using var scope = torch.NewDisposeScope();
        using var map = new ConditionalDomainInput(3, 2, torch.CPU);
        Assert.AreEqual(6, map.Size);
        var features = torch.tensor(new float[] { 1, 2, 3 }, [1, 3]).requires_grad_(true);
        var logits = torch.tensor(new float[] { 0, (float)Math.Log(3) }, [1, 2]).requires_grad_(true); // probabilities 0.25, 0.75
        var input = map.Apply(features, logits);
        CollectionAssert.AreEqual(new[] { 0.25f, 0.75f, 0.5f, 1.5f, 0.75f, 2.25f }, input.data<float>().ToArray(), new ToleranceComparer(1e-6f));
        input.sum().backward();
        Assert.IsNull(logits.grad, "no gradient reaches the class probabilities");
        CollectionAssert.AreEqual(new[] { 1f, 1f, 1f }, features.grad!.data<float>().ToArray(), new ToleranceComparer(1e-6f));

        using var random = new ConditionalDomainInput(1024, 10, torch.CPU);
        Assert.AreEqual(ConditionalDomainInput.RandomSize, random.Size, "above 4096 values the randomized map");
        Assert.AreEqual(1024L, random.Apply(torch.randn(4, 1024), torch.randn(4, 10)).shape[1]);

        var weights = ConditionalDomainInput.EntropyWeights(torch.tensor(new float[] { 10, -10, 0, 0 }, [2, 2]));
        var w = weights.data<float>().ToArray();
        Assert.AreEqual(1f, w.Sum(), 1e-6f);
        Assert.IsGreaterThan(w[1], w[0], "the confident row weighs more");
    }

    [TestMethod]
    public void CdanAndCdanWithEntropyAdaptTheShiftedBlobs()
    {
        var ml = new MLContext(0);
        var data = ShiftedBlobs.Combined(ml);
        var test = ShiftedBlobs.TargetTest(ml);
        DomainAdversarialOptions Options(double lambda, AdversarialConditioning conditioning) =>
            new() { Network = NetworkSpec.Mlp(16), Epochs = 30, MaximumLambda = lambda, Seed = 3, Conditioning = conditioning };
        using var sourceOnly = ml.TransferLearning().DomainAdversarial(Options(0, AdversarialConditioning.None)).Fit(data);
        double plain = ml.MulticlassClassification.Evaluate(sourceOnly.Transform(test)).MicroAccuracy;
        foreach (var conditioning in new[] { AdversarialConditioning.Multilinear, AdversarialConditioning.MultilinearEntropy })
        {
            using var adapted = ml.TransferLearning().DomainAdversarial(Options(1, conditioning)).Fit(data);
            double accuracy = ml.MulticlassClassification.Evaluate(adapted.Transform(test)).MicroAccuracy;
            Assert.IsGreaterThan(plain + 0.1, accuracy, $"{conditioning}: target accuracy {accuracy:P1} against λ = 0 {plain:P1}");
            Assert.IsTrue(adapted.TrainingReport!.Epochs.All(e => e.LossParts.ContainsKey("domain")));
        }
        Assert.Throws<ArgumentException>(() => ml.TransferLearning().DomainAdversarial(Options(1, (AdversarialConditioning)7)));
    }

    private sealed class ToleranceComparer(float tolerance) : System.Collections.IComparer
    {
        public int Compare(object? x, object? y) => Math.Abs((float)x! - (float)y!) <= tolerance ? 0 : 1;
    }
}
