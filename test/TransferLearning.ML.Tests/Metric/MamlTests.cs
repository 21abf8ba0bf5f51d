using Microsoft.ML;
using TorchSharp;
using TransferLearning.ML.Metric;
using TransferLearning.ML.Torch.MetaLearning;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;
using static TorchSharp.torch;

namespace TransferLearning.ML.Tests.Metric;

[TestClass]
public sealed class MamlTests
{
    // A tiny task in double precision, where central differences are accurate to ~1e-9.
    private static (Network Net, Tensor[] Theta, Tensor Support, Tensor SupportY, Tensor Query, Tensor QueryY) TinyTask()
    {
        torch.manual_seed(5);
        var net = new Network(ModelSpec.Classifier(NetworkSpec.Mlp(4), 2), 3);
        var theta = Maml.Weights(net).Select(w => w.detach().to_type(ScalarType.Float64).requires_grad_()).ToArray();
        var support = torch.randn(6, 3, dtype: ScalarType.Float64);
        var query = torch.randn(4, 3, dtype: ScalarType.Float64);
        return (net, theta, support, torch.tensor(new long[] { 0, 0, 0, 1, 1, 1 }), query, torch.tensor(new long[] { 0, 0, 1, 1 }));
    }

    private static Tensor QueryLoss(Network net, IReadOnlyList<Tensor> theta, Tensor s, Tensor sy, Tensor q, Tensor qy, bool secondOrder) =>
        nn.functional.cross_entropy(FunctionalNetwork.Forward(net, q, Maml.Adapt(net, theta, s, sy, 2, 0.5, secondOrder)), qy);

    [TestMethod]
    public void SecondOrderMetaGradientMatchesFiniteDifferencesAndFirstOrderDropsTheHessianTerm()
    {
        using var scope = torch.NewDisposeScope();
        var (net, theta, s, sy, q, qy) = TinyTask();
        var exact = torch.autograd.grad([QueryLoss(net, theta, s, sy, q, qy, true)], theta);
        var first = torch.autograd.grad([QueryLoss(net, theta, s, sy, q, qy, false)], theta);
        const double h = 1e-5;
        double worstSecond = 0, firstGap = 0;
        for (int t = 0; t < theta.Length; t++)
        {
            for (int i = 0; i < Math.Min(theta[t].numel(), 6); i++)
            {
                double Loss(double delta)
                {
                    using var inner = torch.NewDisposeScope();
                    var moved = theta.Select((w, k) => k == t ? w.detach().flatten().index_add(0, torch.tensor(new long[] { i }), torch.tensor(new[] { delta }), 1).view(w.shape).requires_grad_() : w).ToArray();
                    return QueryLoss(net, moved, s, sy, q, qy, true).item<double>();
                }
                double numeric = (Loss(h) - Loss(-h)) / (2 * h);
                worstSecond = Math.Max(worstSecond, Math.Abs(numeric - exact[t].flatten()[i].item<double>()));
                firstGap = Math.Max(firstGap, Math.Abs(numeric - first[t].flatten()[i].item<double>()));
            }
        }
        Assert.IsLessThan(1e-7, worstSecond, "second-order MAML's gradient is the true gradient of the query loss after adaptation");
        Assert.IsGreaterThan(1e-4, firstGap, "first-order MAML leaves out the inner steps' second derivatives");

        // First order: the meta-gradient is the query loss's gradient at the adapted weights.
        var adapted = Maml.Adapt(net, theta, s, sy, 2, 0.5, false).Select(w => w.detach().requires_grad_()).ToArray();
        var atAdapted = torch.autograd.grad([nn.functional.cross_entropy(FunctionalNetwork.Forward(net, q, adapted), qy)], adapted);
        for (int t = 0; t < theta.Length; t++)
            Assert.IsTrue(first[t].allclose(atAdapted[t], rtol: 1e-10, atol: 1e-12), $"weight {t}");
    }

    [TestMethod]
    public void MetaTrainedWeightsAdaptToUnseenClasses()
    {
        var ml = new MLContext(0);
        var seen = FewShotBlobs.Create(ml, 0, 40, 20, seed: 1);
        var unseen = FewShotBlobs.Create(ml, 100, 10, 20, seed: 2);
        var raw = ml.TransferLearning().EvaluateFewShot(unseen, "Features", ways: 5, shots: 1, queries: 10, episodes: 50);
        foreach (bool firstOrder in new[] { false, true })
        {
            var options = new MamlOptions
            {
                Network = NetworkSpec.Mlp(32), Ways = 5, Shots = 1, Queries = 5, TasksPerBatch = 4, EpisodesPerEpoch = 50, Epochs = 4, FirstOrder = firstOrder, Seed = 1,
            };
            using var maml = ml.TransferLearning().Maml(options).MetaTrain(seen);
            Assert.AreEqual(4, maml.TrainingReport.Epochs.Count);
            var fewShot = maml.EvaluateFewShot(unseen, shots: 1, queries: 10, episodes: 50);
            Assert.IsGreaterThan(raw.Accuracy + 0.05, fewShot.Accuracy, $"first order {firstOrder}: {fewShot} vs raw features' nearest centroid {raw}");

            // Adapting to five unseen classes gives an ordinary classifier.
            var five = FewShotBlobs.Create(ml, 100, 5, 20, seed: 4);
            using var classifier = maml.Adapt(FewShotBlobs.Create(ml, 100, 5, 3, seed: 3));
            var metrics = ml.MulticlassClassification.Evaluate(classifier.Transform(five));
            Assert.IsGreaterThan(0.7, metrics.MicroAccuracy, $"first order {firstOrder}: adapted on 3 rows per class, {metrics.MicroAccuracy:P1} (chance 20 %)");
        }
    }

    [TestMethod]
    public void PassesTheWorkoutAndRefusesWhatItCannotAdapt()
    {
        var ml = new MLContext(0);
        var train = TestData.Keyed(ml, TestData.DigitsSmall.WithClasses(0, 1, 2, 3));
        var support = TestData.Keyed(ml, TestData.DigitsSmall.WithClasses(7, 8));
        var options = new MamlOptions { Network = NetworkSpec.Mlp(8), Ways = 2, Shots = 1, Queries = 2, EpisodesPerEpoch = 2, Epochs = 1, Support = support };
        Conformance.Workout.Run(ml.TransferLearning().Maml(options), train, support, freshProcess: true).Dispose();

        options.Support = train;
        var classes = Assert.Throws<ArgumentOutOfRangeException>(() => ml.TransferLearning().Maml(options).Fit(train));
        StringAssert.Contains(classes.Message, "has 4 classes (its key count); the model was meta-trained for Ways = 2");
        options.Support = null;
        var none = Assert.Throws<InvalidOperationException>(() => ml.TransferLearning().Maml(options).Fit(train));
        StringAssert.Contains(none.Message, "MamlOptions.Support is not set");
        var norm = Assert.Throws<ArgumentException>(() => ml.TransferLearning().Maml(new MamlOptions
        {
            Network = new NetworkSpec { Layers = [new DenseLayerSpec(8) { BatchNorm = true }] },
        }));
        StringAssert.Contains(norm.Message, "Network: layer 0 uses batch normalisation");
        var rate = Assert.Throws<ArgumentException>(() => ml.TransferLearning().Maml(new MamlOptions { InnerLearningRate = double.NaN }));
        StringAssert.Contains(rate.Message, "InnerLearningRate");
        using var maml = ml.TransferLearning().Maml(options).MetaTrain(train);
        var ways = Assert.Throws<ArgumentOutOfRangeException>(() => maml.EvaluateFewShot(train, shots: 30));
        StringAssert.Contains(ways.Message, "ways (N) must be in [2, 0]");
    }
}
