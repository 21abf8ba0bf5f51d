using System.Globalization;
using System.Text.Json;

namespace TransferLearning.ML.Tests.ZeroShot;

[TestClass]
public sealed class ZeroShotCommandTests
{
    [TestMethod]
    public void TrainsFromFilesPredictsUnseenClassesAndReloads()
    {
        var zoo = ZooTests.Load();
        var unique = zoo.Animals.Select((a, i) => (Name: a, Vector: zoo.Values[i].Take(15).ToArray()))
            .GroupBy(a => string.Join(",", a.Vector)).Select(g => g.First()).ToArray();
        var random = new Random(11);
        var unseen = unique.OrderBy(_ => random.Next()).Take(6).Select(a => a.Name).ToHashSet();
        var mixing = Enumerable.Range(0, 15 * 20).Select(_ => random.NextDouble() * 2 - 1).ToArray();
        string Row(string name, float[] a) => name + "," + string.Join(",", Enumerable.Range(0, 20).Select(j =>
            (Enumerable.Range(0, 15).Sum(i => a[i] * mixing[i * 20 + j]) + (random.NextDouble() - 0.5) * 0.4).ToString("R", CultureInfo.InvariantCulture)));

        var directory = TestData.TempDirectory("zeroshot");
        string header = "animal," + string.Join(",", Enumerable.Range(0, 20).Select(j => $"x{j}"));
        string train = Path.Combine(directory, "seen.csv"), test = Path.Combine(directory, "unseen.csv"), table = Path.Combine(directory, "table.csv");
        File.WriteAllLines(train, new[] { header }.Concat(unique.Where(a => !unseen.Contains(a.Name)).SelectMany(a => Enumerable.Range(0, 8).Select(_ => Row(a.Name, a.Vector)))));
        File.WriteAllLines(test, new[] { header }.Concat(unique.Where(a => unseen.Contains(a.Name)).SelectMany(a => Enumerable.Range(0, 10).Select(_ => Row(a.Name, a.Vector)))));
        File.WriteAllLines(table, new[] { "animal," + string.Join(",", zoo.AttributeNames.Take(15)) }
            .Concat(unique.Select(a => a.Name + "," + string.Join(",", a.Vector.Select(v => v.ToString(CultureInfo.InvariantCulture))))));

        foreach (var method in new[] { "Attributes", "ConSE" })
        {
            string model = Path.Combine(directory, method + ".zip"), metrics = Path.Combine(directory, method + ".json");
            var (code, output) = TestData.RunTlml("zeroshot", "--method", method, "--data", train, "--label", "animal", "--table", table,
                "--test", test, "--epochs", "30", "--output", model, "--metrics", metrics);
            Assert.AreEqual(0, code, output);
            StringAssert.Contains(output, "Top-1");
            double top1 = JsonDocument.Parse(File.ReadAllText(metrics)).RootElement.GetProperty("Top1Accuracy").GetDouble();
            Assert.IsGreaterThan(1.0 / unseen.Count, top1, $"{method}: top-1 {top1:P1}, chance {1.0 / unseen.Count:P1}");

            var predictions = Path.Combine(directory, method + ".csv");
            (code, output) = TestData.RunTlml("predict", "--model", model, "--data", test, "--output", predictions);
            Assert.AreEqual(0, code, output);
            Assert.IsTrue(File.ReadLines(predictions).Skip(1).All(l => unseen.Contains(l.Split(',')[0])), $"{method} predicts unseen animals by name");
        }

        // Generalised: seen and unseen animals in the test file; ConSE chooses its penalty unless it is given.
        string mixed = Path.Combine(directory, "mixed.csv");
        File.WriteAllLines(mixed, File.ReadLines(test).Concat(File.ReadLines(train).Skip(1).Where((_, i) => i % 4 == 0)));
        foreach (var given in new[] { null, "0" })
        {
            string metrics = Path.Combine(directory, $"gzsl-{given ?? "chosen"}.json");
            var (code, output) = TestData.RunTlml(["zeroshot", "--method", "ConSE", "--mode", "Generalized", "--data", train, "--label", "animal", "--table", table,
                "--test", mixed, "--epochs", "30", "--output", Path.Combine(directory, "gzsl.zip"), "--metrics", metrics, .. given is null ? Array.Empty<string>() : ["--seen-class-penalty", given]]);
            Assert.AreEqual(0, code, output);
            StringAssert.Contains(output, "harmonic mean");
            Assert.AreEqual(given is null, output.Contains("Seen-class penalty"), output);
            Assert.IsTrue(JsonDocument.Parse(File.ReadAllText(metrics)).RootElement.GetProperty("HarmonicMean").ValueKind == JsonValueKind.Number);
        }

        // Transductive: the penalty set on the unlabelled rows to score, so that half of them go to unseen animals.
        string shareModel = Path.Combine(directory, "share.zip"), sharePredictions = Path.Combine(directory, "share.csv");
        var (shareCode, shareOutput) = TestData.RunTlml("zeroshot", "--method", "Attributes", "--mode", "Generalized", "--data", train, "--label", "animal", "--table", table,
            "--test", mixed, "--calibrate-on", mixed, "--unseen-share", "0.5", "--epochs", "30", "--output", shareModel);
        Assert.AreEqual(0, shareCode, shareOutput);
        StringAssert.Contains(shareOutput, "50 % of the rows of mixed.csv");
        (shareCode, shareOutput) = TestData.RunTlml("predict", "--model", shareModel, "--data", mixed, "--output", sharePredictions);
        Assert.AreEqual(0, shareCode, shareOutput);
        var predicted = File.ReadLines(sharePredictions).Skip(1).Select(l => l.Split(',')[0]).ToArray();
        Assert.AreEqual(Math.Round(0.5 * predicted.Length), predicted.Count(unseen.Contains), "the saved model sends half of those rows to unseen animals");
        (shareCode, shareOutput) = TestData.RunTlml("zeroshot", "--data", train, "--label", "animal", "--table", table, "--calibrate-on", mixed);
        Assert.AreNotEqual(0, shareCode);
        StringAssert.Contains(shareOutput, "--mode Generalized");
    }
}
