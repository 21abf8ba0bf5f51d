using System.Globalization;

namespace TransferLearning.ML.Tests.DomainAdaptation;

[TestClass]
public sealed class AdaptCommandTests
{
    [TestMethod]
    public void AdaptsWithDannCdanAndTcaFromFilesAndThePredictionsReload()
    {
        var directory = TestData.TempDirectory("adapt");
        string Csv(string name, ShiftedBlobs.Row[] rows)
        {
            var path = Path.Combine(directory, name);
            File.WriteAllLines(path, new[] { "label,f0,f1,f2,f3,f4" }.Concat(rows.Select(r =>
                r.Label + "," + string.Join(",", r.Features.Select(v => v.ToString("R", CultureInfo.InvariantCulture))))));
            return path;
        }

        string source = Csv("source.csv", ShiftedBlobs.Make(300, false, 1));
        string target = Csv("target.csv", ShiftedBlobs.Make(300, true, 2));
        string test = Csv("test.csv", ShiftedBlobs.Make(200, true, 3));
        foreach (var (method, extra) in new[] { ("Dann", new string[0]), ("Tca", []), ("Dann", ["--conditioning", "MultilinearEntropy", "--reverse-validation", "--compare-source-only"]) })
        {
            string model = Path.Combine(directory, method + ".zip"), metrics = Path.Combine(directory, method + ".json");
            var (code, output) = TestData.RunTlml(["adapt", "--method", method, "--source", source, "--target", target, "--target-test", test,
                "--label", "label", "--epochs", "20", "--components", "4", "--output", model, "--metrics", metrics, .. extra]);
            Assert.AreEqual(0, code, output);
            StringAssert.Contains(output, "Accuracy");
            if (method == "Dann") StringAssert.Contains(output, "proxy-a-distance-inputs");
            if (method == "Dann") StringAssert.Contains(output, "target-predicted-classes");
            Assert.AreEqual(extra.Contains("--reverse-validation"), output.Contains("reverse-validation-accuracy"), output);
            Assert.AreEqual(extra.Contains("--compare-source-only"), output.Contains("Agreement with the source-only model on the 300 target rows"), output);
            var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(metrics));
            Assert.IsGreaterThan(0.5, json.RootElement.GetProperty("microAccuracy").GetDouble(), $"{method} target accuracy");

            var predictions = Path.Combine(directory, method + ".csv");
            (code, output) = TestData.RunTlml("predict", "--model", model, "--data", test, "--output", predictions);
            Assert.AreEqual(0, code, output);
            Assert.IsTrue(File.ReadLines(predictions).Skip(1).All(l => l.StartsWith("a,") || l.StartsWith("b,")), "predicted classes by name");
        }
    }
}
