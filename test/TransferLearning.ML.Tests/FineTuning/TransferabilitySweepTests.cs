using System.Globalization;
using Microsoft.ML;
using SkiaSharp;
using TransferLearning.ML.FineTuning;

namespace TransferLearning.ML.Tests.FineTuning;

[TestClass]
public sealed class TransferabilitySweepTests
{
    [TestMethod]
    public void ReturnsOneRowPerDepthAndMode()
    {
        var ml = new MLContext(0);
        var table = ml.TransferLearning().TransferabilitySweep(TransferFixture.Source, TransferFixture.Keyed(ml, TransferFixture.Target),
            TransferFixture.Keyed(ml, TransferFixture.TargetTest), new LayerTransferOptions { Epochs = 3 }, [0, 1]);

        Assert.AreEqual(2, table.SourceLayers);
        Assert.HasCount(6, table.Rows);
        foreach (bool frozen in new[] { true, false })
            CollectionAssert.AreEqual(new[] { 0, 1, 2 }, table.Rows.Where(r => r.Frozen == frozen).Select(r => r.CopiedLayers).ToArray());
        var baselines = table.Rows.Where(r => r.CopiedLayers == 0).ToArray();
        Assert.AreEqual(baselines[0].Accuracy, baselines[1].Accuracy, "N = 0 copies nothing: one experiment in both series");
        Assert.IsTrue(table.Rows.All(r => r.Runs == 2 && r.Accuracy is > 0 and <= 1 && r.AccuracyStandardDeviation >= 0));
        Assert.IsTrue(table.Rows.Any(r => r.AccuracyStandardDeviation > 0), "two seeds give a spread");
        Assert.HasCount(7, table.ToCsv().Trim().Split('\n'));
        StringAssert.Contains(table.ToMarkdown(), "| 2 | frozen |");
    }

    [TestMethod]
    public void TheCommandLineRunsTrainTransferAndSweepAndWritesAReadablePlot()
    {
        // ScottPlot (SkiaSharp 3) cannot share a process with ML.NET's ImageAnalytics, which this test project uses: run tlml.
        var directory = TestData.TempDirectory("cli");
        string Csv(string name, TransferLearning.ML.Datasets.ImageDataset data)
        {
            var path = Path.Combine(directory, name);
            File.WriteAllLines(path, new[] { "digit," + string.Join(",", Enumerable.Range(0, data.Length).Select(i => $"p{i}")) }
                .Concat(Enumerable.Range(0, data.Count).Select(i => data.ClassNames[data.Labels[i]] + "," +
                    string.Join(",", data.Images[i].Select(v => v.ToString("R", CultureInfo.InvariantCulture))))));
            return path;
        }

        var source = Csv("source.csv", TestData.DigitsTrain.WithClasses(0, 1, 2, 3, 4));
        var target = Csv("target.csv", TransferFixture.Target);
        var test = Csv("test.csv", TransferFixture.TargetTest);
        string sourceModel = Path.Combine(directory, "source.zip"), targetModel = Path.Combine(directory, "target.zip");
        string plot = Path.Combine(directory, "sweep.png"), table = Path.Combine(directory, "sweep.csv");

        var (code, output) = TestData.RunTlml("train", "--data", source, "--label", "digit", "--network", "mlp:64,32", "--epochs", "3", "--output", sourceModel);
        Assert.AreEqual(0, code, output);
        (code, output) = TestData.RunTlml("transfer", "--source", sourceModel, "--data", target, "--test", test, "--label", "digit",
            "--copy", "1", "--l2sp", "--fine-tune-epochs", "2", "--epochs", "3", "--output", targetModel);
        Assert.AreEqual(0, code, output);
        StringAssert.Contains(output, "Accuracy");
        (code, output) = TestData.RunTlml("predict", "--model", targetModel, "--data", test, "--output", Path.Combine(directory, "p.csv"));
        Assert.AreEqual(0, code, output);
        var predicted = File.ReadLines(Path.Combine(directory, "p.csv")).Skip(1).Select(l => l.Split(',')[0]).ToArray();
        Assert.HasCount(TransferFixture.TargetTest.Count, predicted);
        Assert.IsTrue(predicted.All(p => p is "5" or "6" or "7" or "8" or "9"), "the target model predicts target classes by name");

        (code, output) = TestData.RunTlml("sweep", "--source", sourceModel, "--data", target, "--test", test, "--label", "digit",
            "--epochs", "3", "--seeds", "0,1", "--plot", plot, "--table", table);
        Assert.AreEqual(0, code, output);
        Assert.HasCount(7, File.ReadAllLines(table));
        using var image = SKBitmap.Decode(plot);
        Assert.IsNotNull(image, "the plot is a readable PNG");
        Assert.AreEqual((800, 500), (image.Width, image.Height));
        var colours = new HashSet<uint>();
        for (int y = 0; y < image.Height; y += 5)
            for (int x = 0; x < image.Width; x += 5)
                colours.Add((uint)image.GetPixel(x, y));
        Assert.IsGreaterThan(10, colours.Count, "the plot is not blank");
    }
}
