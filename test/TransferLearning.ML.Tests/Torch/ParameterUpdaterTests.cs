using TorchSharp;
using TransferLearning.ML.Torch.Training;
using static TorchSharp.torch;

namespace TransferLearning.ML.Tests.Torch;

[TestClass]
public sealed class ParameterUpdaterTests
{
    /// <summary>Five steps on two groups (learning rates 0.01 and 0.003), with weight decay, from the same start.</summary>
    private static float[][] Train(Func<TorchSharp.Modules.Parameter[], TorchSharp.Modules.Parameter[], (Action ZeroGrad, Action Step, IDisposable Owner)> optimizer)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        var a = new TorchSharp.Modules.Parameter(torch.randn(4, 3));
        var b = new TorchSharp.Modules.Parameter(torch.randn(3));
        var x = torch.randn(8, 4);
        var (zeroGrad, step, owner) = optimizer([a], [b]);
        using (owner)
            for (int i = 0; i < 5; i++)
            {
                using var stepScope = torch.NewDisposeScope();
                zeroGrad();
                (x.matmul(a) + b).pow(2).mean().backward();
                step();
            }
        return [a.data<float>().ToArray(), b.data<float>().ToArray()];
    }

    [TestMethod]
    public void AdamAndSgdEqualTorchSharpsOptimizersBitForBit()
    {
        foreach (var kind in new[] { OptimizerKind.Adam, OptimizerKind.Sgd })
        {
            var ours = Train((a, b) =>
            {
                var updater = new ParameterUpdater([(a, 0.01), (b, 0.003)], kind, momentum: 0.9, weightDecay: 1e-3);
                return (updater.ZeroGrad, updater.Step, updater);
            });
            var theirs = Train((a, b) =>
            {
                optim.Optimizer optimizer = kind == OptimizerKind.Adam
                    ? optim.Adam([new TorchSharp.Modules.Adam.ParamGroup(a, 0.01, weight_decay: 1e-3), new TorchSharp.Modules.Adam.ParamGroup(b, 0.003, weight_decay: 1e-3)], 0.01, weight_decay: 1e-3)
                    : optim.SGD([new TorchSharp.Modules.SGD.ParamGroup(a, 0.01, momentum: 0.9, weight_decay: 1e-3), new TorchSharp.Modules.SGD.ParamGroup(b, 0.003, momentum: 0.9, weight_decay: 1e-3)], 0.01, momentum: 0.9, weight_decay: 1e-3);
                return (() => optimizer.zero_grad(), () => optimizer.step(), optimizer);
            });
            for (int p = 0; p < 2; p++) CollectionAssert.AreEqual(theirs[p], ours[p], $"{kind}, parameter {p}");
        }
    }
}
