using TorchSharp;
using TransferLearning.ML.Torch.Adaptation;
using TransferLearning.ML.Torch.Modules;
using static TorchSharp.torch;

namespace TransferLearning.ML.Tests.DomainAdaptation;

[TestClass]
public sealed class GradientReversalTests
{
    [TestMethod]
    public void ForwardIsTheIdentityAndBackwardIsMinusLambdaTimesTheGradient()
    {
        foreach (double lambda in new[] { 0.0, 0.37, 1.0, 2.5 })
        {
            var x = torch.randn(4, 3).requires_grad_();
            var incoming = torch.randn(4, 3);
            var y = GradientReversal.Apply(x, lambda);
            CollectionAssert.AreEqual(x.detach().data<float>().ToArray(), y.detach().data<float>().ToArray(), "forward is the identity");
            (y * incoming).sum().backward();
            CollectionAssert.AreEqual((incoming * -lambda).data<float>().ToArray(), x.grad!.data<float>().ToArray(), $"λ = {lambda}");
        }
    }

    [TestMethod]
    public void ReversesInsideAGraphToo()
    {
        var x = torch.randn(5, 2).requires_grad_();
        var hidden = x * 3;
        var y = GradientReversal.Apply(torch.cat([hidden, hidden * 2], 0), 0.5);
        y.sum().backward();
        CollectionAssert.AreEqual(Enumerable.Repeat(-0.5f * 3 - 0.5f * 6, 10).ToArray(), x.grad!.data<float>().ToArray());
    }

    [TestMethod]
    public void TheModuleUsesItsLambda()
    {
        using var layer = new GradientReversal(0.5);
        var x = torch.ones(2).requires_grad_();
        layer.forward(x).sum().backward();
        CollectionAssert.AreEqual(new float[] { -0.5f, -0.5f }, x.grad!.data<float>().ToArray());
    }

    [TestMethod]
    public void TheLambdaScheduleHasThePapersValues()
    {
        Assert.AreEqual(0.0, AdversarialSchedule.Lambda(0), 1e-12);
        Assert.AreEqual(2 / (1 + Math.Exp(-5)) - 1, AdversarialSchedule.Lambda(0.5), 1e-12);
        Assert.AreEqual(0.99990920, AdversarialSchedule.Lambda(1), 1e-8);
        Assert.AreEqual(0.3 * (2 / (1 + Math.Exp(-1)) - 1), AdversarialSchedule.Lambda(0.1, maximum: 0.3), 1e-12);
        Assert.IsTrue(Enumerable.Range(0, 10).All(i => AdversarialSchedule.Lambda(i / 10.0) < AdversarialSchedule.Lambda((i + 1) / 10.0)), "rises");
    }
}
