using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TransferLearning.ML.Classification;
using TransferLearning.ML.DomainAdaptation;
using TransferLearning.ML.FineTuning;
using TransferLearning.ML.Metric;
using TransferLearning.ML.Onnx;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.ZeroShot;
using TransferLearning.ML.ZeroShot;

namespace TransferLearning.ML.Tests.Onnx;

[TestClass]
public sealed class OnnxExportTests
{
    /// <summary>Exports <paramref name="model"/>, runs the file in ONNX Runtime on <paramref name="rows"/> and returns each output by name.</summary>
    private static Dictionary<string, Array> RunExported(MLContext ml, NetworkTransformer model, float[][] rows)
    {
        string path = TestData.TempFile(".onnx");
        ml.TransferLearning().ExportOnnx(model, path);
        using var session = new InferenceSession(path);
        var input = new DenseTensor<float>(rows.SelectMany(r => r).ToArray(), [rows.Length, rows[0].Length]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("input", input)]);
        return results.ToDictionary(r => r.Name, r => r.Value switch
        {
            DenseTensor<float> f => (Array)f.ToArray(),
            DenseTensor<long> l => l.ToArray(),
            DenseTensor<bool> b => b.ToArray(),
            var other => throw new InvalidOperationException(other.GetType().Name),
        });
    }

    private static void AssertClose(float[][] expected, float[] actual, double tolerance, string what)
    {
        var flat = expected.SelectMany(r => r).ToArray();
        Assert.HasCount(flat.Length, actual, what);
        double largest = flat.Zip(actual, (a, b) => (double)Math.Abs(a - b)).Max();
        Assert.IsLessThan(tolerance, largest, $"{what}: largest difference from the transformer {largest:G3}");
    }

    [TestMethod]
    public void ClassifiersExportWithScoresAndPredictedLabelsThatOnnxRuntimeReproduces()
    {
        var ml = new MLContext(0);
        var train = TestData.Keyed(ml, TestData.DigitsSmall);
        var test = TestData.Keyed(ml, TestData.DigitsTest.SplitPerClass(3, seed: 1).Selected);
        var rows = test.GetColumn<float[]>("Features").ToArray();
        var networks = new Dictionary<string, NetworkSpec>
        {
            ["MLP"] = NetworkSpec.Mlp(32, 16),
            ["LeNet"] = NetworkSpec.LeNet(1, 20, 20),
            ["standardize, convolution with batch norm, GELU dense with batch norm"] = new()
            {
                InputShape = [1, 20, 20],
                Layers = [new StandardizeLayerSpec(), new ConvolutionLayerSpec(4, 3) { Padding = 1, BatchNorm = true, Stride = 2 }, new DenseLayerSpec(12) { Activation = Activation.Gelu, BatchNorm = true, Dropout = 0.2 }],
            },
        };
        foreach (var (name, network) in networks)
        {
            using var model = ml.TransferLearning().NetworkClassifier(new NetworkClassifierOptions { Network = network, Epochs = 2 }).Fit(train);
            var scored = model.Transform(test);
            var outputs = RunExported(ml, model, rows);
            AssertClose(scored.GetColumn<float[]>("Score").ToArray(), (float[])outputs["Score"], 1e-5, $"{name}: Score");
            var keys = scored.GetColumn<uint>("PredictedLabel").ToArray();
            CollectionAssert.AreEqual(keys.Select(k => (long)k - 1).ToArray(), (long[])outputs["PredictedLabel"], $"{name}: PredictedLabel is the 0-based class index");
        }
    }

    [TestMethod]
    public void ATransferredResNet18ExportsAndMatchesOnnxRuntime()
    {
        var ml = new MLContext(0);
        using var backbone = ml.TransferLearning().ImportOnnx(ImageBackbones.ResNet18());
        var labelled = ResNetImages.Labelled(ml, 8);
        using var tuned = ml.TransferLearning().LayerTransfer(backbone, new LayerTransferOptions { FrozenLayers = 9, Epochs = 1, BatchSize = 4 }).Fit(labelled);
        var rows = labelled.GetColumn<float[]>("Features").Take(3).ToArray();
        var outputs = RunExported(ml, tuned, rows);
        var expected = tuned.Transform(ml.Data.TakeRows(labelled, 3)).GetColumn<float[]>("Score").ToArray();
        AssertClose(expected, (float[])outputs["Score"], 1e-4, "fine-tuned ResNet18: Score");
        string path = TestData.TempFile(".onnx");
        ml.TransferLearning().ExportOnnx(tuned, path);
        using var session = new InferenceSession(path);
        StringAssert.Contains(session.ModelMetadata.CustomMetadataMap["classes.Score"], "\"0\"", "class names in the metadata");
    }

    [TestMethod]
    public void EmbeddingsExportAndUnsupportedHeadsAreNamed()
    {
        var ml = new MLContext(0);
        var train = TestData.Keyed(ml, TestData.DigitsSmall);
        using var embedding = ml.TransferLearning().MetricEmbedding(new MetricEmbeddingOptions { Network = NetworkSpec.Mlp(16), EmbeddingSize = 8, Epochs = 1 }).Fit(train);
        var rows = train.GetColumn<float[]>("Features").Take(5).ToArray();
        var outputs = RunExported(ml, embedding, rows);
        AssertClose(embedding.Transform(ml.Data.TakeRows(train, 5)).GetColumn<float[]>("Embedding").ToArray(), (float[])outputs["Embedding"], 1e-5, "unit-length embedding");

        var unlabelled = ml.Transforms.DropColumns("Label").Fit(train).Transform(train);
        using var tca = ml.TransferLearning().TransferComponents(new TransferComponentsOptions { Components = 4 }).Fit(ml.TransferLearning().CombineDomains(train, unlabelled));
        var error = Assert.Throws<NotSupportedException>(() => ml.TransferLearning().ExportOnnx(tca, TestData.TempFile(".onnx")));
        StringAssert.Contains(error.Message, "KernelProjectionSpec");
    }

    [TestMethod]
    public void ZeroShotAndPrototypeModelsExportWithTheirCandidateTablesAndCalibration()
    {
        var ml = new MLContext(0);
        var (table, seen, unseen, makeRows) = Tests.ZeroShot.ZeroShotTests.ZooSetup(ml);
        var train = ml.Transforms.Conversion.MapValueToKey("Label").Fit(makeRows(seen, 5, 1)).Transform(makeRows(seen, 5, 1));
        var test = makeRows(seen.Take(3).Concat(unseen).ToArray(), 2, 2);
        var rows = test.GetColumn<float[]>("Features").ToArray();
        var models = new (string What, NetworkTransformer Model)[]
        {
            ("DAP, generalised and calibrated", ml.TransferLearning().ZeroShotAttributes(new ZeroShotAttributeOptions
                { ClassDescriptions = table, Network = NetworkSpec.Mlp(32), Epochs = 5, Mode = ZeroShotMode.Generalized }).Fit(train)),
            ("attributes, cosine", ml.TransferLearning().ZeroShotAttributes(new ZeroShotAttributeOptions
                { ClassDescriptions = table, Network = NetworkSpec.Mlp(32), Epochs = 5, Matching = AttributeMatching.Cosine }).Fit(train)),
            ("attributes, Euclidean", ml.TransferLearning().ZeroShotAttributes(new ZeroShotAttributeOptions
                { ClassDescriptions = table, Network = NetworkSpec.Mlp(32), Epochs = 5, Matching = AttributeMatching.Euclidean }).Fit(train)),
            ("attribute embedding", ml.TransferLearning().AttributeEmbedding(new AttributeEmbeddingOptions
                { ClassDescriptions = table, Network = NetworkSpec.Mlp(32), Epochs = 5, EmbeddingSize = 8 }).Fit(train)),
        };
        Assert.IsNotNull(((TransferLearning.ML.Torch.Models.CandidateScoresSpec)models[0].Model.ModelSpec.Heads[1]).Offsets, "the calibrated model carries its offsets");
        foreach (var (what, model) in models)
        {
            var outputs = RunExported(ml, model, rows);
            var scored = model.Transform(test);
            AssertClose(scored.GetColumn<float[]>("Score").ToArray(), (float[])outputs["Score"], 1e-4, what);
            CollectionAssert.AreEqual(scored.GetColumn<uint>("PredictedLabel").Select(k => (long)k - 1).ToArray(), (long[])outputs["PredictedLabel"], what);
            model.Dispose();
        }

        var digits = TestData.Keyed(ml, TestData.DigitsSmall);
        using var embedding = ml.TransferLearning().MetricEmbedding(new MetricEmbeddingOptions { Network = NetworkSpec.Mlp(16), EmbeddingSize = 8, Epochs = 1 }).Fit(digits);
        var embedded = embedding.Transform(digits);
        foreach (bool cosine in new[] { false, true })
        {
            using var prototypes = ml.TransferLearning().PrototypeClassifier(embedded, cosine: cosine).Fit(embedded);
            var input = embedded.GetColumn<float[]>("Embedding").Take(6).ToArray();
            var outputs = RunExported(ml, prototypes, input);
            AssertClose(prototypes.Transform(ml.Data.TakeRows(embedded, 6)).GetColumn<float[]>("Score").ToArray(), (float[])outputs["Score"], 1e-4, $"prototypes, cosine {cosine}");
        }
    }

    [TestMethod]
    public void ProgressiveColumnsAndMultitaskEncodersExportAndMatchOnnxRuntime()
    {
        var ml = new MLContext(0);
        var digits = TestData.DigitsTrain;
        var rows = TestData.DigitsTest.Images.Take(6).ToArray();
        foreach (var trunk in new[] { NetworkSpec.Mlp(16, 8), NetworkSpec.LeNet(1, 20, 20) })
        {
            var a = TestData.Keyed(ml, digits.WithClasses(0, 1, 2).SplitPerClass(20, seed: 1).Selected);
            var b = TestData.Keyed(ml, digits.WithClasses(3, 4).SplitPerClass(20, seed: 2).Selected);
            var c = TestData.Keyed(ml, digits.WithClasses(5, 6).SplitPerClass(20, seed: 3).Selected);
            using var source = ml.TransferLearning().NetworkClassifier(new NetworkClassifierOptions { Network = trunk, Epochs = 1 }).Fit(a);
            using var second = ml.TransferLearning().ProgressiveColumn(source, new TransferLearning.ML.Progressive.ProgressiveColumnOptions { TaskName = "B", Epochs = 1 }).Fit(b);
            using var third = ml.TransferLearning().ProgressiveColumn(second, new TransferLearning.ML.Progressive.ProgressiveColumnOptions { TaskName = "C", Epochs = 1 }).Fit(c);
            var outputs = RunExported(ml, third, rows);
            var scored = third.Transform(ml.Data.TakeRows(TestData.Keyed(ml, TestData.DigitsTest), 6));
            var scoreColumns = third.OutputColumns.Where(o => o.Kind == OutputColumnKind.ClassScores).ToArray();
            Assert.HasCount(3, scoreColumns, "a Score per task: the trunk's and one per column");
            foreach (var column in scoreColumns)
                AssertClose(scored.GetColumn<float[]>(column.Name).ToArray(), (float[])outputs[column.Name], 1e-5, $"{trunk.Layers[0].GetType().Name} progressive {column.Name}");
            // The trunk runs once, beside the columns: its first block's weight feeds one node.
            string path = TestData.TempFile(".onnx");
            ml.TransferLearning().ExportOnnx(third, path);
            var graph = global::Onnx.ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph;
            string firstWeight = trunk.Layers[0] is ConvolutionLayerSpec ? "body.block0.conv.weight" : "body.block0.linear.weight";
            Assert.AreEqual(1, graph.Node.Count(n => n.Input.Contains(firstWeight)), firstWeight);
        }

        var tasks = Enumerable.Range(0, 200).Select(i => new TwoInputs
        {
            FeaturesA = Enumerable.Range(0, 5).Select(j => (float)Math.Sin(i * 0.7 + j)).ToArray(),
            FeaturesB = Enumerable.Range(0, 3).Select(j => (float)Math.Cos(i * 0.3 + j)).ToArray(),
            A = (uint)(i % 3), B = (uint)(i % 2),
        }).ToArray();
        var data = ml.Data.LoadFromEnumerable(tasks, TwoInputs.Schema());
        using var multitask = ml.TransferLearning().MultiTask(new TransferLearning.ML.MultiTask.MultiTaskOptions
        {
            LabelColumnNames = ["A", "B"], TaskFeatureColumnNames = ["FeaturesA", "FeaturesB"], Encoder = NetworkSpec.Mlp(8), Network = NetworkSpec.Mlp(8), Epochs = 2,
        }).Fit(data);
        var input = tasks.Take(5).Select(t => t.FeaturesA.Concat(t.FeaturesB).ToArray()).ToArray();
        var exported = RunExported(ml, multitask, input);
        var multitaskScored = multitask.Transform(ml.Data.TakeRows(data, 5));
        foreach (var name in new[] { "Score.A", "Score.B" })
            AssertClose(multitaskScored.GetColumn<float[]>(name).ToArray(), (float[])exported[name], 1e-5, $"multitask {name}");
    }

    private sealed class TwoInputs
    {
        public float[] FeaturesA { get; set; } = [];

        public float[] FeaturesB { get; set; } = [];

        public uint A { get; set; }

        public uint B { get; set; }

        public static SchemaDefinition Schema()
        {
            var definition = SchemaDefinition.Create(typeof(TwoInputs));
            definition[nameof(FeaturesA)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 5);
            definition[nameof(FeaturesB)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 3);
            definition[nameof(A)].ColumnType = new KeyDataViewType(typeof(uint), 3);
            definition[nameof(B)].ColumnType = new KeyDataViewType(typeof(uint), 2);
            return definition;
        }
    }
}
