using System.Globalization;
using Microsoft.ML;

namespace TransferLearning.ML.Tests.MultiTask;

[TestClass]
public sealed class TaskCommandTests
{
    /// <summary>Rows of 6 features; "shape" (a/b/c) from which blob, "side" (left/right, empty on every third row) from the sign of f0.</summary>
    private static string Csv(string directory, string name, int rows, int seed, bool withSide = true)
    {
        var random = new Random(seed);
        var lines = new List<string> { "shape,side,f0,f1,f2,f3,f4,f5" };
        for (int i = 0; i < rows; i++)
        {
            int blob = i % 3;
            var x = Enumerable.Range(0, 6).Select(j => (j == blob + 3 ? 2.5 : 0) + random.NextDouble() * 2 - 1).ToArray();
            string side = !withSide || i % 3 == 1 ? "" : x[0] > 0 ? "right" : "left";
            lines.Add($"{"abc"[blob]},{side}," + string.Join(",", x.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
        var path = Path.Combine(directory, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    [TestMethod]
    public void MultitaskAndProgressiveRunFromFiles()
    {
        var directory = TestData.TempDirectory("tasks");
        string train = Csv(directory, "train.csv", 300, 1), test = Csv(directory, "test.csv", 150, 2);

        string multitask = Path.Combine(directory, "multitask.zip");
        var (code, output) = TestData.RunTlml("multitask", "--data", train, "--test", test, "--labels", "shape,side", "--epochs", "20", "--output", multitask);
        Assert.AreEqual(0, code, output);
        StringAssert.Contains(output, "shape");
        StringAssert.Contains(output, "side");
        var ml = new MLContext(0);
        var model = ml.Model.Load(multitask, out _);
        var schema = model.GetOutputSchema(ml.Data.LoadFromTextFile(test, [new("f0", Microsoft.ML.Data.DataKind.Single, 2), new("f1", Microsoft.ML.Data.DataKind.Single, 3),
            new("f2", Microsoft.ML.Data.DataKind.Single, 4), new("f3", Microsoft.ML.Data.DataKind.Single, 5), new("f4", Microsoft.ML.Data.DataKind.Single, 6),
            new("f5", Microsoft.ML.Data.DataKind.Single, 7)], separatorChar: ',', hasHeader: true).Schema);
        foreach (var column in new[] { "Score.shape", "PredictedLabel.shape", "PredictedClass.shape", "Score.side", "PredictedClass.side" })
            Assert.IsNotNull(schema.GetColumnOrNull(column), column);

        // tlml train on "shape", then a progressive column for "side".
        string first = Path.Combine(directory, "first.zip"), second = Path.Combine(directory, "second.zip");
        string shapes = Path.Combine(directory, "shapes.csv"), sides = Path.Combine(directory, "sides.csv");
        File.WriteAllLines(shapes, File.ReadLines(train).Select(l => string.Join(",", l.Split(',').Where((_, i) => i != 1))));
        File.WriteAllLines(sides, File.ReadLines(train).Where((l, i) => i == 0 || l.Split(',')[1].Length > 0).Select(l => string.Join(",", l.Split(',').Skip(1))));
        (code, output) = TestData.RunTlml("train", "--data", shapes, "--label", "shape", "--epochs", "10", "--output", first);
        Assert.AreEqual(0, code, output);
        (code, output) = TestData.RunTlml("progressive", "--source", first, "--data", sides, "--label", "side", "--epochs", "20", "--output", second);
        Assert.AreEqual(0, code, output);
        StringAssert.Contains(output, "Accuracy");
        var progressive = ml.Model.Load(second, out var inputSchema);
        var columns = progressive.GetOutputSchema(inputSchema);
        foreach (var column in new[] { "Score", "PredictedClass", "Score.side", "PredictedLabel.side", "PredictedClass.side" })
            Assert.IsNotNull(columns.GetColumnOrNull(column), column);

        (code, output) = TestData.RunTlml("multitask", "--data", train, "--labels", "shape,nope");
        Assert.AreEqual(2, code, output);
        StringAssert.Contains(output, "Label column 'nope' (--labels) is not in 'train.csv'");
    }
}
