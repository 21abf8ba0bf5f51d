using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Torch.Networks;

namespace TransferLearning.ML.Tests.Serialization;

[TestClass]
public sealed class SaveLoadTests
{
    private static (ITransformer Model, IDataView Train, string Path) TrainAndSave(NetworkSpec spec, int epochs = 2)
    {
        var ml = new MLContext(0);
        var train = TestData.DigitsSmall.ToDataView(ml);
        var model = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.TransferLearning().NetworkClassifier(new NetworkClassifierOptions { Network = spec, Epochs = epochs }))
            .Fit(train);
        var path = TestData.TempFile(".zip");
        ml.Model.Save(model, train.Schema, path);
        return (model, train, path);
    }

    [TestMethod]
    public void TheNetworkClassifierPassesTheWorkout()
    {
        foreach (var spec in new[] { NetworkSpec.Mlp(64, 32), NetworkSpec.LeNet(1, 20, 20) })
        {
            var ml = new MLContext(0);
            var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.TransferLearning().NetworkClassifier(new NetworkClassifierOptions { Network = spec, Epochs = 2, LearnedFeaturesColumnName = "Learned" }));
            var model = Conformance.Workout.Run(pipeline, TestData.DigitsSmall.ToDataView(ml), TestData.DigitsTest.ToDataView(ml), freshProcess: true);
            var classifier = model.LastTransformer;
            Assert.AreEqual(spec.Layers.Count, classifier.NetworkSpec.Layers.Count);
            CollectionAssert.AreEqual(Enumerable.Range(0, 10).Select(d => d.ToString()).ToArray(), classifier.ClassNames!.ToArray());
            classifier.Dispose();
        }
    }

    [TestMethod]
    public void ReloadedModelMapsKeysBackAndPredictsRowByRow()
    {
        var (model, _, path) = TrainAndSave(NetworkSpec.Mlp(32));
        var ml = new MLContext(0);
        var saved = ml.Model.CreatePredictionEngine<Input, Output>(model);
        var fresh = new MLContext(0);
        fresh.TransferLearning(); // registers too
        var loaded = fresh.Model.Load(path, out _);
        var chain = loaded.Append(fresh.Transforms.Conversion.MapKeyToValue("PredictedDigit", "PredictedLabel")
            .Fit(loaded.Transform(TestData.DigitsTest.ToDataView(fresh))));
        var engine = fresh.Model.CreatePredictionEngine<Input, Output>(chain);
        foreach (var image in TestData.DigitsTest.Images.Take(25))
        {
            var a = saved.Predict(new Input { Features = image });
            var b = engine.Predict(new Input { Features = image });
            CollectionAssert.AreEqual(a.Score, b.Score);
            Assert.AreEqual((Array.IndexOf(b.Score, b.Score.Max())).ToString(), b.PredictedDigit);
        }
    }

    [TestMethod]
    public void ReloadInAFreshProcessGivesBitIdenticalScores()
    {
        // Train here on a CSV's columns, save, then let `tlml predict` load and score the same CSV in another process.
        var digits = TestData.DigitsSmall;
        var csv = TestData.TempFile(".csv");
        var names = Enumerable.Range(0, digits.Length).Select(i => $"p{i}").ToArray();
        File.WriteAllLines(csv, new[] { "Label," + string.Join(",", names) }.Concat(Enumerable.Range(0, digits.Count).Select(i =>
            digits.ClassNames[digits.Labels[i]] + "," + string.Join(",", digits.Images[i].Select(v => v.ToString("R", CultureInfo.InvariantCulture))))));

        var ml = new MLContext(0);
        var columns = new[] { new TextLoader.Column("Label", DataKind.String, 0) }
            .Concat(names.Select((n, i) => new TextLoader.Column(n, DataKind.Single, i + 1))).ToArray();
        var data = ml.Data.LoadFromTextFile(csv, columns, separatorChar: ',', hasHeader: true);
        var keyed = ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label").Fit(data).Transform(data);
        var model = ml.Transforms.Concatenate("Features", names)
            .Append(ml.TransferLearning().NetworkClassifier(new NetworkClassifierOptions
            {
                Network = NetworkSpec.LeNet(1, 20, 20), Epochs = 2, LabelColumnName = "LabelKey",
            }))
            .Fit(keyed);
        var modelPath = TestData.TempFile(".zip");
        ml.Model.Save(model, keyed.Schema, modelPath);
        var here = TestData.Scores(ml, model.Transform(keyed));

        var predictions = TestData.TempFile(".csv");
        var (exitCode, output) = TestData.RunTlml("predict", "--model", modelPath, "--data", csv, "--output", predictions);
        Assert.AreEqual(0, exitCode, output);
        var there = File.ReadLines(predictions).Skip(1)
            .Select(line => line.Split(',').Skip(1).Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        Assert.HasCount(here.Length, there);
        for (int i = 0; i < here.Length; i++)
            CollectionAssert.AreEqual(here[i].Select(BitConverter.SingleToInt32Bits).ToArray(), there[i].Select(BitConverter.SingleToInt32Bits).ToArray(), $"row {i}");
    }

    [TestMethod]
    public void APlainModelLoadFindsThePackagesLoaders()
    {
        // ML.NET registers the assembly each part names and finds its [LoadableClass] loaders: no registration call needed.
        var (model, _, path) = TrainAndSave(NetworkSpec.Mlp(16), epochs: 1);
        var ml = new MLContext();
        var loaded = ml.Model.Load(path, out _);
        var test = TestData.DigitsTest.ToDataView(ml);
        var expected = TestData.Scores(ml, model.Transform(test));
        var actual = TestData.Scores(ml, loaded.Transform(test));
        for (int i = 0; i < expected.Length; i++) CollectionAssert.AreEqual(expected[i], actual[i], $"row {i}");
        ml.RegisterTransferLearning().RegisterTransferLearning(); // still offered, and idempotent
        Assert.IsNotNull(ml.Model.Load(path, out _));
    }

    [TestMethod]
    public void ADisposedModelCannotBeSavedOrUsed()
    {
        var ml = new MLContext(0);
        var train = ml.Transforms.Conversion.MapValueToKey("Label").Fit(TestData.DigitsSmall.ToDataView(ml)).Transform(TestData.DigitsSmall.ToDataView(ml));
        var model = ml.TransferLearning().NetworkClassifier(network: NetworkSpec.Mlp(8), epochs: 1).Fit(train);
        model.Dispose();
        model.Dispose(); // idempotent
        var e = Assert.Throws<ObjectDisposedException>(() => ml.Model.Save(model, train.Schema, TestData.TempFile(".zip")));
        StringAssert.Contains(e.Message, nameof(NetworkTransformer));
        Assert.Throws<ObjectDisposedException>(() => model.Transform(train));
    }

    [TestMethod]
    public void HeaderSizesOutOfRangeAreRefusedBeforeAnyAllocation()
    {
        var (_, _, path) = TrainAndSave(NetworkSpec.Mlp(16), epochs: 1);
        // The int32 header length sits right after ML.NET's part header; claim 2 GiB.
        RewriteEntry(path, "Model.key", bytes =>
        {
            int at = Encoding.Latin1.GetString(bytes).IndexOf("{\"format\"", StringComparison.Ordinal) - 4;
            BitConverter.GetBytes(int.MaxValue).CopyTo(bytes, at);
            return bytes;
        }, entryFilter: "Transform_001");
        var e = Assert.Throws<Exception>(() => new MLContext().Model.Load(path, out _));
        StringAssert.Contains(AllMessages(e), "does not fit the part");
    }

    [TestMethod]
    public void GarbageFileFailsCleanly()
    {
        var path = TestData.TempFile(".zip");
        File.WriteAllBytes(path, Encoding.ASCII.GetBytes("this is not a zip file at all"));
        var e = Assert.Throws<FormatException>(() => new MLContext().RegisterTransferLearning().Model.Load(path, out _));
        StringAssert.Contains(AllMessages(e), "Failed to open a zip archive");
    }

    [TestMethod]
    public void ForeignZipFailsCleanly()
    {
        var path = TestData.TempFile(".zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        using (var writer = new StreamWriter(zip.CreateEntry("readme.txt").Open()))
            writer.Write("hello");
        var e = Assert.Throws<InvalidOperationException>(() => new MLContext().RegisterTransferLearning().Model.Load(path, out _));
        StringAssert.Contains(AllMessages(e), "doesn't contain entry");
    }

    [TestMethod]
    public void TruncatedWeightsAreReportedAsACorruptModel()
    {
        var (_, _, path) = TrainAndSave(NetworkSpec.Mlp(16), epochs: 1);
        RewriteEntry(path, "Weights.bin", bytes => bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<Exception>(() => new MLContext().Model.Load(path, out _));
        StringAssert.Contains(AllMessages(e), "corrupt");
        StringAssert.Contains(AllMessages(e), "does not hold the");
    }

    [TestMethod]
    public void MissingWeightsAreReportedAsACorruptModel()
    {
        var (_, _, path) = TrainAndSave(NetworkSpec.Mlp(16), epochs: 1);
        RewriteEntry(path, "Weights.bin", null);
        var e = Assert.Throws<Exception>(() => new MLContext().Model.Load(path, out _));
        StringAssert.Contains(AllMessages(e), "has no 'Weights.bin' entry");
    }

    [TestMethod]
    public void WeightsOfAnotherNetworkAreRejected()
    {
        var (_, _, path) = TrainAndSave(NetworkSpec.Mlp(16), epochs: 1);
        var (_, _, other) = TrainAndSave(NetworkSpec.Mlp(16), epochs: 2);
        byte[] otherWeights = ReadEntry(other, "Weights.bin");
        RewriteEntry(path, "Weights.bin", _ => otherWeights);
        var e = Assert.Throws<Exception>(() => new MLContext().Model.Load(path, out _));
        StringAssert.Contains(AllMessages(e), "fails its integrity check");
    }

    [TestMethod]
    public void TamperedSpecIsRejected()
    {
        var (_, _, path) = TrainAndSave(NetworkSpec.Mlp(16), epochs: 1);
        RewriteEntry(path, "Model.key", bytes => Replace(bytes, "\"units\":16", "\"units\":96"), entryFilter: "Transform_001");
        var e = Assert.Throws<Exception>(() => new MLContext().Model.Load(path, out _));
        StringAssert.Contains(AllMessages(e), "corrupt");
        StringAssert.Contains(AllMessages(e), "header fails its integrity check");
    }

    private static byte[] Replace(byte[] bytes, string from, string to)
    {
        var text = Encoding.Latin1.GetString(bytes);
        Assert.Contains(from, text);
        return Encoding.Latin1.GetBytes(text.Replace(from, to));
    }

    private static byte[] ReadEntry(string path, string name)
    {
        using var zip = ZipFile.OpenRead(path);
        using var stream = zip.Entries.Single(e => e.Name == name).Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static void RewriteEntry(string path, string name, Func<byte[], byte[]>? rewrite, string entryFilter = "")
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        var entry = zip.Entries.Single(e => e.Name == name && e.FullName.Contains(entryFilter));
        byte[] bytes;
        using (var stream = entry.Open())
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            bytes = copy.ToArray();
        }
        string fullName = entry.FullName;
        entry.Delete();
        if (rewrite is null) return;
        using var output = zip.CreateEntry(fullName).Open();
        output.Write(rewrite(bytes));
    }

    private static string AllMessages(Exception e)
    {
        var text = new StringBuilder();
        for (var x = e; x is not null; x = x.InnerException) text.Append(x.GetType().Name).Append(": ").AppendLine(x.Message);
        return text.ToString();
    }

    private sealed class Input
    {
        public string Label { get; set; } = "";

        [VectorType(400)]
        public float[] Features { get; set; } = [];
    }

    private sealed class Output
    {
        public float[] Score { get; set; } = [];

        public string PredictedDigit { get; set; } = "";
    }
}
