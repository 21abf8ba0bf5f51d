using Microsoft.ML;
using Microsoft.ML.Data;
using Onnx;
using TransferLearning.ML.FineTuning;
using TransferLearning.ML.Onnx;
using TransferLearning.ML.Torch.Networks;
using static TransferLearning.ML.Tests.Onnx.OnnxGraphs;

namespace TransferLearning.ML.Tests.Onnx;

[TestClass]
public sealed class OnnxImportTests
{
    private static readonly long[] Image = [2, 4, 6, 6];

    /// <summary>Per-operator graphs: (name, opset, input shape, nodes, initializers).</summary>
    public static IEnumerable<object[]> Graphs()
    {
        var r = new Random(5);
        object[] G(string name, long opset, long[] shape, NodeProto[] nodes, params TensorProto[] weights) => [name, opset, shape, nodes, weights];
        yield return G("Conv, groups 2, stride 2, asymmetric pads, bias", 11, Image,
            [Node("Conv", ["X", "W", "B"], ["Y"], ("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 0, 0 }), ("group", 2L))],
            Floats("W", [6, 2, 3, 3], r), Floats("B", [6], r));
        yield return G("Conv, dilation 2, no bias", 11, Image,
            [Node("Conv", ["X", "W"], ["Y"], ("kernel_shape", new long[] { 3, 3 }), ("dilations", new long[] { 2, 2 }), ("pads", new long[] { 2, 2, 2, 2 }))], Floats("W", [3, 4, 3, 3], r));
        yield return G("BatchNormalization (inference statistics)", 11, Image,
            [Node("BatchNormalization", ["X", "S", "B", "M", "V"], ["Y"], ("epsilon", 1e-3f))],
            Floats("S", [4], r), Floats("B", [4], r), Floats("M", [4], r), Floats("V", [4], r, offset: 1.5f));
        yield return G("Relu, LeakyRelu, Sigmoid, Tanh", 11, Image,
            [Node("Relu", ["X"], ["a"]), Node("LeakyRelu", ["X"], ["b"], ("alpha", 0.2f)), Node("Add", ["a", "b"], ["c"]), Node("Sigmoid", ["c"], ["d"]), Node("Tanh", ["d"], ["Y"])]);
        yield return G("Clip with attributes (opset 10, Relu6-style)", 10, Image, [Node("Clip", ["X"], ["Y"], ("min", -0.5f), ("max", 0.5f))]);
        yield return G("Clip with inputs (opset 11)", 11, Image, [Node("Clip", ["X", "lo", "hi"], ["Y"])], Floats("lo", [], r, [-0.25f]), Floats("hi", [], r, [0.75f]));
        yield return G("Add, Sub, Mul, Div with broadcasting", 11, Image,
            [Node("Add", ["X", "A"], ["a"]), Node("Sub", ["a", "S"], ["b"]), Node("Mul", ["b", "M"], ["c"]), Node("Div", ["c", "D"], ["Y"])],
            Floats("A", [4, 1, 1], r), Floats("S", [1, 6], r), Floats("M", [4, 6, 6], r), Floats("D", [4, 1, 1], r, offset: 3f));
        yield return G("MaxPool, asymmetric pads", 11, Image, [Node("MaxPool", ["X"], ["Y"], ("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 0, 0 }))]);
        yield return G("MaxPool with dilations", 11, Image, [Node("MaxPool", ["X"], ["Y"], ("kernel_shape", new long[] { 2, 2 }), ("dilations", new long[] { 2, 2 }))]);
        yield return G("AveragePool, pads excluded from the count", 11, Image,
            [Node("AveragePool", ["X"], ["Y"], ("kernel_shape", new long[] { 3, 3 }), ("strides", new long[] { 2, 2 }), ("pads", new long[] { 1, 1, 1, 1 }))]);
        yield return G("AveragePool, pads counted", 11, Image,
            [Node("AveragePool", ["X"], ["Y"], ("kernel_shape", new long[] { 2, 2 }), ("pads", new long[] { 1, 0, 1, 0 }), ("count_include_pad", 1L))]);
        yield return G("GlobalAveragePool, Flatten, Gemm (transB, alpha, beta)", 11, Image,
            [Node("GlobalAveragePool", ["X"], ["a"]), Node("Flatten", ["a"], ["b"]), Node("Gemm", ["b", "W", "C"], ["Y"], ("transB", 1L), ("alpha", 0.5f), ("beta", 2f))],
            Floats("W", [5, 4], r), Floats("C", [5], r));
        yield return G("GlobalMaxPool, Reshape, MatMul", 11, Image,
            [Node("GlobalMaxPool", ["X"], ["a"]), Node("Reshape", ["a", "shape"], ["b"]), Node("MatMul", ["b", "W"], ["Y"])], Int64s("shape", -1, 4), Floats("W", [4, 3], r));
        yield return G("Split, then Concat in the other order", 11, Image,
            [Node("Split", ["X"], ["a", "b"], ("axis", 1L), ("split", new long[] { 1, 3 })), Node("Concat", ["b", "a"], ["Y"], ("axis", 1L))]);
        yield return G("Transpose, Softmax over the last axis (opset 13)", 13, Image, [Node("Transpose", ["X"], ["a"], ("perm", new long[] { 0, 2, 3, 1 })), Node("Softmax", ["a"], ["Y"], ("axis", -1L))]);
        yield return G("Softmax before opset 13 (flattened at axis 1)", 11, Image, [Node("Softmax", ["X"], ["Y"])]);
        yield return G("Identity, Dropout (inference), Constant", 11, Image,
            [Node("Identity", ["X"], ["a"]), Node("Dropout", ["a"], ["b"], ("ratio", 0.5f)), Node("Constant", [], ["k"], ("value", Floats("k", [4, 1, 1], r))), Node("Add", ["b", "k"], ["Y"])]);
    }

    public static string GraphName(System.Reflection.MethodInfo method, object[] data) => (string)data[0];

    [TestMethod]
    [DynamicData(nameof(Graphs), DynamicDataDisplayName = nameof(GraphName))]
    public void EachOperatorMatchesOnnxRuntime(string name, long opset, long[] shape, NodeProto[] nodes, TensorProto[] weights)
    {
        string path = Save(Model(opset, shape, nodes, weights));
        var random = new Random(11);
        int length = (int)shape.Skip(1).Aggregate(1L, (a, b) => a * b);
        var rows = Enumerable.Range(0, (int)shape[0]).Select(_ => Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray()).ToArray();
        var reference = Reference(path, shape, rows);

        var ml = new MLContext(0);
        using var imported = ml.TransferLearning().ImportOnnx(new OnnxImportOptions { ModelPaths = [path] });
        var ours = imported.Transform(Rows(ml, rows)).GetColumn<float[]>("BackboneFeatures").ToArray();
        Assert.AreEqual(reference[0].Length, ours[0].Length, $"{name}: output size");
        double difference = RelativeDifference(reference, ours);
        Assert.IsLessThan(1e-5, difference, $"{name}: largest difference from ONNX Runtime {difference:G3}");
    }

    [TestMethod]
    public void AnUnsupportedOperatorIsRefusedWithItsNode()
    {
        string path = Save(Model(11, Image, [Node("LRN", ["X"], ["Y"], ("size", 3L))]));
        var error = Assert.Throws<InvalidDataException>(() => new MLContext(0).TransferLearning().ImportOnnx(new OnnxImportOptions { ModelPaths = [path] }));
        StringAssert.Contains(error.Message, "node 'lrn_Y' (LRN)");
        StringAssert.Contains(error.Message, "operator 'LRN'");
        StringAssert.Contains(error.Message, "Supported: Conv");
        // Operations across the first dimension would mix the rows the importer treats as independent.
        string across = Save(Model(11, Image, [Node("Transpose", ["X"], ["Y"], ("perm", new long[] { 1, 0, 2, 3 }))]));
        var mixing = Assert.Throws<InvalidDataException>(() => new MLContext(0).TransferLearning().ImportOnnx(new OnnxImportOptions { ModelPaths = [across] }));
        StringAssert.Contains(mixing.Message, "works across the first dimension");
        string mismatch = Save(Model(11, [2, 4], [Node("MatMul", ["X", "W"], ["Y"])], Floats("W", [3, 2], new Random(1))));
        var shapes = Assert.Throws<InvalidDataException>(() => new MLContext(0).TransferLearning().ImportOnnx(new OnnxImportOptions { ModelPaths = [mismatch] }));
        StringAssert.Contains(shapes.Message, "cannot be multiplied");
        var notOnnx = TestData.TempFile(".onnx");
        File.WriteAllText(notOnnx, "not a protobuf at all, just text");
        Assert.Throws<InvalidDataException>(() => new MLContext(0).TransferLearning().ImportOnnx(new OnnxImportOptions { ModelPaths = [notOnnx] }));
        Assert.Throws<FileNotFoundException>(() => new MLContext(0).TransferLearning().ImportOnnx(new OnnxImportOptions { ModelPaths = [notOnnx + ".missing"] }));
        var none = Assert.Throws<ArgumentException>(() => new MLContext(0).TransferLearning().ImportOnnx(new OnnxImportOptions()));
        StringAssert.Contains(none.Message, "ModelPaths");
    }

    [TestMethod]
    public void ResNet18MatchesOnnxRuntimeOnRealImages()
    {
        var options = ImageBackbones.ResNet18();
        var ml = new MLContext(0);
        using var backbone = ml.TransferLearning().ImportOnnx(options);
        // The stem and one layer per residual block, after the preprocessing graph.
        var layers = backbone.ModelSpec.Trunk.Layers.Cast<OnnxGraphLayerSpec>().ToArray();
        Assert.HasCount(11, layers);
        Assert.AreEqual(9, layers.Count(l => l.Nodes.Any(n => n.OpType == "Add")), "one layer per residual block");
        CollectionAssert.AreEqual(new[] { 512, 1, 1 }, layers[^1].ResultShape);

        var rows = ResNetImages.Rows(4);
        var preprocessed = Reference(options.ModelPaths[0], [4, 3, 224, 224], rows);
        var reference = Reference(options.ModelPaths[1], [4, 3, 224, 224], preprocessed);
        var ours = backbone.Transform(Rows(ml, rows)).GetColumn<float[]>("BackboneFeatures").ToArray();
        double largest = reference.Zip(ours).SelectMany(p => p.First.Zip(p.Second, (a, b) => (double)Math.Abs(a - b))).Max();
        Assert.IsLessThan(1e-4, largest, $"largest absolute difference of the 512 features from ONNX Runtime: {largest:G3}");
    }

    [TestMethod]
    public void AnImportedBackboneSavesReloadsAndFineTunesWithItsFrozenLayersUnchanged()
    {
        var ml = new MLContext(0);
        using var backbone = ml.TransferLearning().ImportOnnx(ImageBackbones.ResNet18());
        var rows = ResNetImages.Rows(2);
        string path = TestData.TempFile(".zip");
        ml.Model.Save(backbone, Rows(ml, rows).Schema, path);
        var reloaded = new MLContext().Model.Load(path, out _);
        var before = backbone.Transform(Rows(ml, rows)).GetColumn<float[]>("BackboneFeatures").ToArray();
        var after = reloaded.Transform(Rows(ml, rows)).GetColumn<float[]>("BackboneFeatures").ToArray();
        for (int i = 0; i < before.Length; i++) CollectionAssert.AreEqual(before[i], after[i], "a plain Model.Load gives the same features");

        // Few labelled images: the first 7 layers (preprocessing, stem, stages 1-2) frozen, the rest fine-tuned at a lower rate, a new head.
        var labelled = ResNetImages.Labelled(ml, 16);
        using var tuned = ml.TransferLearning().LayerTransfer(backbone, new LayerTransferOptions
        {
            FrozenLayers = 7, CopiedLayersLearningRateMultiplier = 0.1, Epochs = 3, BatchSize = 8, LearningRate = 1e-3,
        }).Fit(labelled);
        var source = backbone.Network.state_dict();
        var target = tuned.Network.state_dict();
        for (int block = 0; block < 11; block++)
        {
            var names = source.Keys.Where(k => k.StartsWith($"body.block{block}.", StringComparison.Ordinal)).ToArray();
            bool same = names.All(n => source[n].eq(target[n]).all().item<bool>());
            bool hasWeights = names.Any(n => n.Contains(".p_", StringComparison.Ordinal));
            if (block < 7) Assert.IsTrue(same, $"frozen layer {block} (weights and batch-norm statistics) unchanged");
            else if (hasWeights) Assert.IsFalse(same, $"layer {block} was fine-tuned");
        }
        double accuracy = ml.MulticlassClassification.Evaluate(tuned.Transform(labelled)).MicroAccuracy;
        Assert.IsGreaterThan(0.7, accuracy, $"the training images are learnt: {accuracy:P0}");
        var bad = Assert.Throws<ArgumentException>(() => ml.TransferLearning().LayerTransfer(backbone, new LayerTransferOptions { FrozenLayers = 12 }).Fit(labelled));
        StringAssert.Contains(bad.Message, "FrozenLayers");
    }
}
