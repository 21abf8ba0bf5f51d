using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.Tests.Clustering;

[TestClass]
public sealed class SelfTaughtCommandTests
{
    private static string Csv(string directory, string name, IDataView data, bool withLabel)
    {
        var ml = new MLContext(0);
        var features = data.GetColumn<float[]>("Features").ToArray();
        var labels = data.Schema["Label"].Type is KeyDataViewType
            ? data.GetColumn<uint>("Label").Select(k => $"c{k}").ToArray()
            : data.GetColumn<string>("Label").ToArray();
        var lines = new List<string> { (withLabel ? "Label," : "") + string.Join(",", Enumerable.Range(0, features[0].Length).Select(i => $"f{i}")) };
        lines.AddRange(features.Select((f, i) => (withLabel ? labels[i] + "," : "") + string.Join(",", f.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        var path = Path.Combine(directory, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    [TestMethod]
    public void SelfTaughtAndClusterRunFromFiles()
    {
        var ml = new MLContext(0);
        var directory = TestData.TempDirectory("selftaught");
        string unlabelled = Csv(directory, "unlabelled.csv", TestData.DigitsTrain.SplitPerClass(40, seed: 5).Selected.ToDataView(ml), withLabel: false);
        string labelled = Csv(directory, "labelled.csv", TestData.DigitsTrain.SplitPerClass(10, seed: 9).Selected.ToDataView(ml), withLabel: true);
        string test = Csv(directory, "test.csv", TestData.DigitsTest.ToDataView(ml), withLabel: true);
        string model = Path.Combine(directory, "selftaught.zip");
        var (code, output) = TestData.RunTlml("selftaught", "--unlabelled", unlabelled, "--data", labelled, "--test", test, "--code-size", "32", "--encoder", "mlp:64",
            "--epochs", "3", "--output", model);
        Assert.AreEqual(0, code, output);
        StringAssert.Contains(output, "Accuracy");
        var loaded = ml.Model.Load(model, out var schema);
        foreach (var column in new[] { "SelfTaughtFeatures", "PredictedClass", "Score" }) Assert.IsNotNull(loaded.GetOutputSchema(schema).GetColumnOrNull(column), column);
        (code, output) = TestData.RunTlml("selftaught", "--unlabelled", unlabelled, "--data", labelled, "--test", test, "--code-size", "16", "--encoder", "mlp:32",
            "--epochs", "2", "--fine-tune", "--output", Path.Combine(directory, "tuned.zip"));
        Assert.AreEqual(0, code, output);

        string target = Csv(directory, "target.csv", SelfTaughtClusteringTests.Planted(ml, 30, 1), withLabel: true);
        string auxiliary = Csv(directory, "auxiliary.csv", SelfTaughtClusteringTests.Planted(ml, 300, 2), withLabel: false);
        (code, output) = TestData.RunTlml("cluster", "--data", target, "--auxiliary", auxiliary, "--label", "Label", "-k", "3", "--feature-clusters", "3",
            "--output", Path.Combine(directory, "clusters.zip"));
        Assert.AreEqual(0, code, output);
        StringAssert.Contains(output, "NMI 1.0000, ARI 1.0000, matched accuracy 100.00");
        (code, output) = TestData.RunTlml("cluster", "--data", target, "--label", "Label", "-k", "3", "--output", Path.Combine(directory, "kmeans.zip"));
        Assert.AreEqual(0, code, output);
        StringAssert.Contains(output, "Cluster sizes:");
        (code, output) = TestData.RunTlml("cluster", "--data", target, "--auxiliary", auxiliary, "--label", "Label", "-k", "31", "--output", Path.Combine(directory, "none.zip"));
        Assert.AreEqual(2, code, output);
        StringAssert.Contains(System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " "), "Option Clusters is 31, but the target data has only 30 rows");
    }
}
