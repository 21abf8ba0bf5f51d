using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using TransferLearning.ML.DomainAdaptation;
using TransferLearning.ML.Torch.Adaptation;
using TransferLearning.ML.Torch.Models;

namespace TransferLearning.ML.Tests.DomainAdaptation;

[TestClass]
public sealed class TransferComponentsTests
{
    /// <summary>Squared distance between the domains' means over the total variance: an MMD (linear kernel) that ignores scale.</summary>
    private static double RelativeMmd(float[][] rows, bool[] isTarget)
    {
        int d = rows[0].Length;
        double[] Mean(bool target) => Enumerable.Range(0, d).Select(j => rows.Where((_, i) => isTarget[i] == target).Average(r => (double)r[j])).ToArray();
        var (ms, mt) = (Mean(false), Mean(true));
        var all = Enumerable.Range(0, d).Select(j => rows.Average(r => (double)r[j])).ToArray();
        double variance = rows.Sum(r => Enumerable.Range(0, d).Sum(j => (r[j] - all[j]) * (r[j] - all[j]))) / rows.Length;
        return Enumerable.Range(0, d).Sum(j => (ms[j] - mt[j]) * (ms[j] - mt[j])) / variance;
    }

    [TestMethod]
    public void LowersTheMeanDiscrepancyBetweenDomains()
    {
        foreach (var kernel in new[] { TcaKernel.Linear, TcaKernel.Rbf })
        {
            var ml = new MLContext(0);
            var data = ShiftedBlobs.Combined(ml, 200);
            using var tca = ml.TransferLearning().TransferComponents(components: 3, kernel: kernel).Fit(data);
            var projected = tca.Transform(data);
            var domains = projected.GetColumn<bool>("IsTarget").ToArray();
            double before = RelativeMmd(projected.GetColumn<float[]>("Features").ToArray(), domains);
            double after = RelativeMmd(projected.GetColumn<float[]>("TransferComponents").ToArray(), domains);
            Assert.IsLessThan(before / 10, after, $"{kernel}: relative MMD {before:F3} -> {after:F3}");
        }
    }

    [TestMethod]
    public void AFittedRowProjectsToItsFittedEmbedding()
    {
        var ml = new MLContext(0);
        var data = ShiftedBlobs.Combined(ml, 50);
        using var tca = ml.TransferLearning().TransferComponents(components: 4, kernel: TcaKernel.Rbf).Fit(data);
        var head = (KernelProjectionSpec)tca.ModelSpec.Heads.Single();
        var projected = tca.Transform(data).GetColumn<float[]>("TransferComponents").ToArray();

        // All 100 rows were fitted, in order (source then target): row i's embedding is K[i, :] W.
        var state = tca.Network.state_dict();
        var rows = state["heads.components.rows"];
        var w = state["heads.components.projection"];
        var distances = (rows.unsqueeze(1) - rows.unsqueeze(0)).square().sum(2);
        var embedding = (distances * -head.Gamma).exp().matmul(w).to_type(torch.ScalarType.Float32).data<float>().ToArray();
        Assert.AreEqual(100, head.Rows);
        Assert.AreEqual(TcaKernel.Rbf, head.Kernel);
        for (int i = 0; i < 100; i++)
            for (int c = 0; c < 4; c++)
                Assert.AreEqual(embedding[i * 4 + c], projected[i][c], 1e-4, $"row {i}, component {c}");
    }

    [TestMethod]
    public void PassesTheWorkout()
    {
        var ml = new MLContext(0);
        var data = ShiftedBlobs.Combined(ml, 60);
        Conformance.Workout.Run(ml.TransferLearning().TransferComponents(components: 5), data, data, freshProcess: true).Dispose();
        Conformance.Workout.Run(ml.TransferLearning().TransferComponents(components: 3, kernel: TcaKernel.Rbf), data, data).Dispose();
    }

    [TestMethod]
    public void SavesAndReloadsWithIdenticalOutputs()
    {
        var ml = new MLContext(0);
        var data = ShiftedBlobs.Combined(ml, 60);
        using var tca = ml.TransferLearning().TransferComponents(components: 5).Fit(data);
        var path = TestData.TempFile(".zip");
        ml.Model.Save(tca, data.Schema, path);
        var loaded = new MLContext().RegisterTransferLearning().Model.Load(path, out _);
        var a = tca.Transform(data).GetColumn<float[]>("TransferComponents").ToArray();
        var b = loaded.Transform(data).GetColumn<float[]>("TransferComponents").ToArray();
        for (int i = 0; i < a.Length; i++) CollectionAssert.AreEqual(a[i], b[i], $"row {i}");
    }

    [TestMethod]
    public void BadInputsAreClearErrors()
    {
        var ml = new MLContext(0);
        var e = Assert.Throws<ArgumentException>(() => ml.TransferLearning().TransferComponents(components: 500).Fit(ShiftedBlobs.Combined(ml, 20)));
        StringAssert.Contains(e.Message, "Components is 500, but TCA is fitted on 40 rows");
        var plain = ml.Data.LoadFromEnumerable(ShiftedBlobs.Make(10, false, 1));
        e = Assert.Throws<ArgumentException>(() => ml.TransferLearning().TransferComponents().Fit(plain));
        StringAssert.Contains(e.Message, "Domain column 'IsTarget' was not found");
        e = Assert.Throws<ArgumentException>(() => ml.TransferLearning().TransferComponents(mu: 0));
        Assert.AreEqual("Mu", e.ParamName);
    }
}
