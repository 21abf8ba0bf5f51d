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
}
