using Microsoft.ML.OnnxRuntime;

namespace TransferLearning.ML.Tests.Cli;

[TestClass]
public sealed class ImagesCommandTests
{
    [TestMethod]
    public void ImagesFineTunesResNet18OnAFolderOfFoldersThenPredictAndExportUseTheModel()
    {
        string directory = TestData.TempDirectory("images");
        string folder = Path.Combine(directory, "digits");
        var digits = TestData.DigitsTrain;
        foreach (int digit in new[] { 0, 1 })
        {
            string classFolder = Path.Combine(folder, digit == 0 ? "zero" : "one");
            Directory.CreateDirectory(classFolder);
            foreach (int i in Enumerable.Range(0, digits.Count).Where(i => digits.Labels[i] == digit).Take(10))
                TestData.WritePng(Path.Combine(classFolder, $"{i}.png"), digits.Images[i], digits.Width, digits.Height, tint: [1f, 0.7f, 0.4f]);
        }
        string model = Path.Combine(directory, "digits.zip");
        var (code, output) = TestData.RunTlml("images", "--folder", folder, "--epochs", "3", "--test-fraction", "0.2", "--output", model);
        Assert.AreEqual(0, code, output);
        StringAssert.Contains(output, "20 images of 2 classes (one, zero)");
        StringAssert.Contains(output, "Accuracy");
        Assert.IsTrue(File.Exists(Path.ChangeExtension(model, ".images.json")), "the image sidecar");

        string predictions = Path.Combine(directory, "predictions.csv");
        (code, output) = TestData.RunTlml("predict", "--model", model, "--images", Path.Combine(folder, "one"), "--output", predictions);
        Assert.AreEqual(0, code, output);
        var lines = File.ReadAllLines(predictions);
        Assert.AreEqual("File,PredictedLabel,Score:one,Score:zero", lines[0]);
        Assert.HasCount(11, lines);
        Assert.IsGreaterThanOrEqualTo(7, lines.Skip(1).Count(l => l.Split(',')[1] == "one"), string.Join("\n", lines));

        // A CSV of image paths (Model Builder's layout): relative to the CSV's folder, or absolute.
        var listed = Directory.GetFiles(Path.Combine(folder, "zero")).Order(StringComparer.Ordinal).Take(2).ToArray();
        string list = Path.Combine(directory, "list.csv");
        File.WriteAllLines(list, ["ImagePath,Label", $"{Path.GetRelativePath(directory, listed[0])},zero", $"\"{listed[1]}\",zero"]);
        (code, output) = TestData.RunTlml("predict", "--model", model, "--images", list, "--output", predictions);
        Assert.AreEqual(0, code, output);
        lines = File.ReadAllLines(predictions);
        Assert.HasCount(3, lines);
        Assert.AreEqual(listed[0], lines[1].Split(',')[0], "paths are resolved against the CSV's folder");
        File.WriteAllLines(list, ["ImagePath", Path.Combine(folder, "zero")]);
        (code, output) = TestData.RunTlml("predict", "--model", model, "--images", list);
        Assert.AreEqual(2, code);
        StringAssert.Contains(output, "which is not an image file");
        File.WriteAllLines(list, ["Label,Other", "zero,1"]);
        (code, output) = TestData.RunTlml("predict", "--model", model, "--images", list);
        Assert.AreEqual(2, code);
        StringAssert.Contains(output, "lists no image paths");

        string onnx = Path.Combine(directory, "digits.onnx");
        (code, output) = TestData.RunTlml("export", "--model", model, "--onnx", onnx);
        Assert.AreEqual(0, code, output);
        using var session = new InferenceSession(onnx);
        CollectionAssert.AreEquivalent(new[] { "Score", "PredictedLabel" }, session.OutputMetadata.Keys.ToArray());
        Assert.AreEqual(3 * 224 * 224, session.InputMetadata["input"].Dimensions[1]);

        (code, output) = TestData.RunTlml("predict", "--model", model, "--data", predictions, "--images", folder);
        Assert.AreEqual(2, code);
        StringAssert.Contains(output, "one of the two");
    }
}
