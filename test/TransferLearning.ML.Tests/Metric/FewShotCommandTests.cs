using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.Tests.Metric;

[TestClass]
public sealed class FewShotCommandTests
{
    /// <summary>FewShotBlobs' classes c{first}.. as a CSV: Label, f0..f23.</summary>
    private static string Csv(string directory, string name, int first, int classes, int rows, int seed)
    {
        var ml = new MLContext(0);
        var data = FewShotBlobs.Create(ml, first, classes, rows, seed);
        var features = data.GetColumn<float[]>("Features").ToArray();
        var labels = ml.Transforms.Conversion.MapKeyToValue("Name", "Label").Fit(data).Transform(data).GetColumn<string>("Name").ToArray();
        var lines = new List<string> { "Label," + string.Join(",", Enumerable.Range(0, FewShotBlobs.Length).Select(i => $"f{i}")) };
        lines.AddRange(labels.Select((l, i) => l + "," + string.Join(",", features[i].Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        var path = Path.Combine(directory, name);
        File.WriteAllLines(path, lines);
        return path;
    }

    [TestMethod]
    public void FewShotReadsImageFolders()
    {
        // Hershey sample glyphs: classes 0-4 to train on, 5-7 to test on.
        var glyphs = Datasets.HersheyGlyphs.Render(Datasets.HersheyGlyphs.Read(Path.Combine(AppContext.BaseDirectory, "Data", "hershey", "sample.jhf")), 8, 20, seed: 1);
        string train = DatasetReaders.ImageFolderTests.Write(glyphs, c => c < 5), test = DatasetReaders.ImageFolderTests.Write(glyphs, c => c >= 5);
        string model = Path.Combine(Path.GetTempPath(), "tlml-tests", Guid.NewGuid().ToString("N") + ".zip");
        var (code, output) = TestData.RunTlml("fewshot", "--data", train, "--test", test, "--support", test, "--image-size", "20", "--network", "lenet:1x20x20",
            "--ways", "3", "--shots", "2", "--queries", "3", "--episodes-per-epoch", "5", "--epochs", "1", "--eval-episodes", "10", "--output", model);
        Assert.AreEqual(0, code, output);
        StringAssert.Contains(output, "3-way 2-shot");
        var ml = new MLContext(0);
        var loaded = ml.Model.Load(model, out var schema);
        Assert.AreEqual(400, ((VectorDataViewType)schema["Features"].Type).Size, "the model reads the images' pixels");
        Assert.IsNotNull(loaded.GetOutputSchema(schema).GetColumnOrNull("PredictedClass"));

        (code, output) = TestData.RunTlml("fewshot", "--data", train, "--test", Csv(Path.GetDirectoryName(model)!, "mixed.csv", 0, 3, 4, 1), "--ways", "3");
        Assert.AreEqual(2, code, output);
        StringAssert.Contains(Flat(output), "is a CSV file, but the training data was an image folder");
    }

    // The console wraps long lines.
    private static string Flat(string output) => System.Text.RegularExpressions.Regex.Replace(output, @"\s+", " ");

    [TestMethod]
    public void EmbedAndFewShotRunFromFiles()
    {
        var directory = TestData.TempDirectory("fewshot");
        string train = Csv(directory, "train.csv", 0, 20, 12, 1), test = Csv(directory, "test.csv", 100, 6, 12, 2), support = Csv(directory, "support.csv", 100, 3, 2, 3);
        var ml = new MLContext(0);

        string embedding = Path.Combine(directory, "embedding.zip");
        var (code, output) = TestData.RunTlml("embed", "--data", train, "--test", test, "--epochs", "3", "--embedding-size", "8", "--output", embedding);
        Assert.AreEqual(0, code, output);
        StringAssert.Contains(output, "Retrieval on test.csv: P@1");
        var model = ml.Model.Load(embedding, out var schema);
        Assert.IsNotNull(model.GetOutputSchema(schema).GetColumnOrNull("Embedding"));

        string proto = Path.Combine(directory, "proto.zip");
        (code, output) = TestData.RunTlml("fewshot", "--data", train, "--test", test, "--support", support, "--ways", "3", "--shots", "2", "--queries", "4",
            "--episodes-per-epoch", "20", "--epochs", "2", "--eval-episodes", "50", "--output", proto);
        Assert.AreEqual(0, code, output);
        StringAssert.Contains(output, "Few-shot evaluation: 3-way 2-shot");
        var classifier = ml.Model.Load(proto, out schema);
        var scored = classifier.Transform(ml.Data.LoadFromTextFile(test, schema.Select(c => new Microsoft.ML.Data.TextLoader.Column(c.Name, Microsoft.ML.Data.DataKind.Single, c.Index)).ToArray(),
            separatorChar: ',', hasHeader: true));
        var predicted = scored.GetColumn<string>("PredictedClass").ToArray();
        CollectionAssert.IsSubsetOf(predicted.Distinct().ToArray(), new[] { "c100", "c101", "c102" }, "the support set's classes");

        (code, output) = TestData.RunTlml("fewshot", "--method", "FirstOrderMaml", "--data", train, "--test", test, "--ways", "3", "--shots", "1", "--queries", "2",
            "--episodes-per-epoch", "10", "--epochs", "1", "--eval-episodes", "10", "--output", Path.Combine(directory, "maml.zip"));
        Assert.AreEqual(0, code, output);
        StringAssert.Contains(output, "No model saved");
        Assert.IsFalse(File.Exists(Path.Combine(directory, "maml.zip")));

        (code, output) = TestData.RunTlml("fewshot", "--method", "Maml", "--data", train, "--support", test, "--ways", "3", "--epochs", "1", "--episodes-per-epoch", "2");
        Assert.AreEqual(2, code, output);
        StringAssert.Contains(Flat(output), "--support has 6 classes, but MAML adapts an N-way classifier: give --ways 6");
        (code, output) = TestData.RunTlml("fewshot", "--data", support, "--ways", "3", "--shots", "2", "--queries", "2");
        Assert.AreEqual(2, code, output);
        StringAssert.Contains(Flat(output), "Label column 'Label': classes c100 (2), c101 (2), c102 (2) have fewer than Shots + Queries = 4 rows");
    }
}
