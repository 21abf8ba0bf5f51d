using System.Globalization;
using System.Text.RegularExpressions;

namespace TransferLearning.ML.Tests.Cli;

/// <summary>What tlml does for a person at a terminal: the demo shows transfer, doctor checks the install, help shows real defaults, names match loosely, consumption code is written.</summary>
[TestClass]
public sealed partial class GuidanceTests
{
    [TestMethod]
    public void DemoShowsTransferBeatingTheTargetAloneAndReloadsBitIdentically()
    {
        string directory = TestData.TempDirectory("guidance");
        var (code, output) = TestData.RunTlml("demo", "--output", Path.Combine(directory, "model.zip"));
        Assert.AreEqual(0, code, output);
        double Row(string start) => double.Parse(Regex.Match(output, Regex.Escape(start) + @"[^\n]*?([\d.]+) %\s*│?\s*$", RegexOptions.Multiline).Groups[1].Value, CultureInfo.InvariantCulture);
        double targetOnly = Row("target only"), transfer = Row("layer transfer");
        Assert.IsGreaterThan(targetOnly + 0.1, transfer, $"layer transfer {transfer} % vs target only {targetOnly} %:\n{output}");
        StringAssert.Contains(output, "all 1000 predictions bit-identical");
        Assert.IsTrue(File.Exists(Path.Combine(directory, "model.zip")));
    }

    [TestMethod]
    public void DoctorReportsTheInstallationAndThatLibtorchLoads()
    {
        var (code, output) = TestData.RunTlml("doctor");
        Assert.AreEqual(0, code, output);
        foreach (var check in new[] { "TorchSharp (managed)", "0.107.0", "libtorch loads (CPU)", "yes", "CUDA", "threads" })
            StringAssert.Contains(output, check);
        if (OperatingSystem.IsLinux()) StringAssert.Contains(output, "GLIBCXX_3.4.");
    }

    [TestMethod]
    public void HelpShowsTheEffectiveDefaultsOfEachMode()
    {
        var (code, output) = TestData.RunTlml("adapt", "--help");
        Assert.AreEqual(0, code, output);
        string help = Regex.Replace(output, @"\s+", " ");
        // DANN's paper defaults, and the image recipe's, read from the options objects.
        StringAssert.Contains(help, "default 0.01; 0.001 with --image-recipe");
        StringAssert.Contains(help, "default Sgd; Adam with --image-recipe");
        (code, output) = TestData.RunTlml("train", "--help");
        StringAssert.Contains(Regex.Replace(output, @"\s+", " "), "Base learning rate (default 0.001)");
    }

    [TestMethod]
    public void ColumnNamesMatchWhateverTheCaseAndTheModelComesWithConsumptionCode()
    {
        string directory = TestData.TempDirectory("guidance");
        string csv = Path.Combine(directory, "rows.csv");
        var random = new Random(1);
        File.WriteAllLines(csv, new[] { "Species,width,height" }.Concat(Enumerable.Range(0, 60).Select(i =>
            $"{(i % 2 == 0 ? "cat" : "dog")},{(i % 2 + random.NextDouble() * 0.5).ToString(CultureInfo.InvariantCulture)},{random.NextDouble().ToString(CultureInfo.InvariantCulture)}")));
        string model = Path.Combine(directory, "pets.zip");
        var (code, output) = TestData.RunTlml("train", "--data", csv, "--label", "species", "--features", "WIDTH", "Height", "--epochs", "2", "--output", model);
        Assert.AreEqual(0, code, output);
        string consumption = Path.Combine(directory, "pets.Consumption.cs");
        Assert.IsTrue(File.Exists(consumption), output);
        string generated = File.ReadAllText(consumption);
        foreach (var line in new[] { "public sealed class ModelInput", "[ColumnName(\"width\")]", "public float Width { get; set; }", "public string PredictedClass { get; set; }",
                     "[VectorType(2)]", "public float[] Score { get; set; }", "public const string FileName = \"pets.zip\";", "CreatePredictionEngine<ModelInput, ModelOutput>" })
            StringAssert.Contains(generated, line);
        Assert.DoesNotContain("LabelKey", generated, "key columns are internal to the pipeline");
        // The progress line names the finishing stage.
        StringAssert.Contains(output, "done (loss");
    }
}
