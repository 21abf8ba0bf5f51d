using TorchSharp;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;
using static TorchSharp.torch;

namespace TransferLearning.ML.Tests.Torch;

[TestClass]
public sealed class NetworkSpecTests
{
    [TestMethod]
    public void JsonRoundTripKeepsEverySetting()
    {
        var spec = new NetworkSpec
        {
            InputShape = [3, 16, 12],
            Layers =
            [
                new ConvolutionLayerSpec(8, 3) { Stride = 1, Padding = 1, Pool = 2, Activation = Activation.Tanh, Dropout = 0.1, BatchNorm = true },
                new DenseLayerSpec(32) { Activation = Activation.Gelu, Dropout = 0.25, BatchNorm = true },
                new CustomLayerSpec("scale") { Settings = new Dictionary<string, string> { ["factor"] = "2" } },
            ],
        };
        var json = spec.ToJson();
        var back = NetworkSpec.FromJson(json);

        Assert.AreEqual(json, back.ToJson());
        CollectionAssert.AreEqual(spec.InputShape, back.InputShape);
        var conv = (ConvolutionLayerSpec)back.Layers[0];
        Assert.AreEqual((8, 3, 1, 2, Activation.Tanh, 0.1, true), (conv.Channels, conv.KernelSize, conv.Padding, conv.Pool, conv.Activation, conv.Dropout, conv.BatchNorm));
        var dense = (DenseLayerSpec)back.Layers[1];
        Assert.AreEqual((32, Activation.Gelu, 0.25, true), (dense.Units, dense.Activation, dense.Dropout, dense.BatchNorm));
        Assert.AreEqual("2", ((CustomLayerSpec)back.Layers[2]).Settings["factor"]);
        StringAssert.Contains(json, "\"type\":\"convolution\"");
    }

    [TestMethod]
    public void LeNetShapesFollowTheBlocks()
    {
        var shapes = NetworkSpec.LeNet(1, 20, 20).LayerOutputShapes([1, 20, 20]);
        CollectionAssert.AreEqual(new[] { 20, 10, 10 }, shapes[0]);
        CollectionAssert.AreEqual(new[] { 50, 5, 5 }, shapes[1]);
        CollectionAssert.AreEqual(new[] { 500 }, shapes[2]);
        Assert.AreEqual(500, NetworkSpec.LeNet(1, 8, 8).FeatureSize([1, 8, 8]), "8x8 images fit too");
    }

    [TestMethod]
    public void InvalidSpecsSayWhichLayerAndWhy()
    {
        var convAfterDense = new NetworkSpec { InputShape = [1, 8, 8], Layers = [new DenseLayerSpec(4), new ConvolutionLayerSpec(2, 3)] };
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => convAfterDense.LayerOutputShapes([1, 8, 8])).Message, "Layer 1: Convolution layer");

        var tooSmall = new NetworkSpec { Layers = [new ConvolutionLayerSpec(2, 9) { Pool = 1 }] };
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => tooSmall.LayerOutputShapes([1, 8, 8])).Message, "too small for kernel 9");

        var noUnits = NetworkSpec.Mlp(0);
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => noUnits.LayerOutputShapes([4])).Message, "Units must be at least 1");

        StringAssert.Contains(Assert.Throws<ArgumentException>(() => NetworkSpec.LeNet(1, 20, 20).ResolveInputShape(399)).Message, "holds 400 values");
    }

    [TestMethod]
    public void MalformedJsonIsAFormatException()
    {
        Assert.Throws<FormatException>(() => NetworkSpec.FromJson("{not json"));
        Assert.Throws<FormatException>(() => NetworkSpec.FromJson("null"));
        Assert.Throws<FormatException>(() => NetworkSpec.FromJson("{\"layers\":[{\"type\":\"rocket\"}]}"));
        Assert.Throws<FormatException>(() => NetworkSpec.FromJson("{\"inputShape\":[4],\"layers\":[],\"extra\":1}"));
    }

    [TestMethod]
    public void NetworkNamesItsBlocksAndCountsItsParameters()
    {
        foreach (var spec in new[] { NetworkSpec.Mlp(16, 8), NetworkSpec.LeNet(1, 8, 8), new NetworkSpec { Layers = [new DenseLayerSpec(5) { BatchNorm = true }] } })
        {
            using var network = new Network(spec, 64, 3);
            var names = network.named_parameters().Select(p => p.name).ToList();
            Assert.IsTrue(names.All(n => n.StartsWith("body.block") || n.StartsWith("heads.label.linear.")), string.Join(", ", names));
            Assert.AreEqual(spec.Layers.Count, Enumerable.Range(0, spec.Layers.Count).Count(i => network.BlockParameters(i).Any()));
            long actual = network.state_dict().Values.Sum(t => t.numel());
            Assert.AreEqual(ModelSpec.Classifier(spec, 3).StoredValues(64), actual);
            using var output = network.forward(torch.zeros(2, 64));
            CollectionAssert.AreEqual(new long[] { 2, 3 }, output.shape);
        }
    }

    [TestMethod]
    public void CustomLayersAreBuiltByTheirRegisteredFactory()
    {
        var spec = new NetworkSpec { Layers = [new CustomLayerSpec("test-square") { Settings = new Dictionary<string, string> { ["units"] = "6" } }] };
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => new Network(spec, 4, 2)).Message, "Custom layer 'test-square' is not registered");

        CustomLayers.Register("test-square", new SquareLayerFactory());
        using var network = new Network(spec, 4, 2);
        Assert.AreEqual(6, network.FeatureSize);
        using var output = network.forward(torch.ones(3, 4));
        CollectionAssert.AreEqual(new long[] { 3, 2 }, output.shape);
    }

    private sealed class SquareLayerFactory : ICustomLayerFactory
    {
        public int[] OutputShape(int[] inputShape, IReadOnlyDictionary<string, string> settings) => [int.Parse(settings["units"])];

        public nn.Module<Tensor, Tensor> Create(int[] inputShape, IReadOnlyDictionary<string, string> settings) =>
            new Square(inputShape[0], int.Parse(settings["units"]));
    }

    private sealed class Square : nn.Module<Tensor, Tensor>
    {
        private readonly TorchSharp.Modules.Linear linear;

        public Square(int input, int units) : base(nameof(Square))
        {
            linear = nn.Linear(input, units);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => linear.forward(input).square();
    }
}
