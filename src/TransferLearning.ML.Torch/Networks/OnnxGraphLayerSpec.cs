using TorchSharp;
using TransferLearning.ML.Torch.Modules;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Networks;

/// <summary>
/// One layer cut from an imported ONNX graph (see <c>OnnxImport</c> in TransferLearning.ML.Onnx): the
/// graph's nodes between two points where a single tensor is live (for a ResNet, the stem or one
/// residual block), run by TorchSharp with the graph's weights as trainable parameters. The spec
/// holds the structure only — nodes, attributes, tensor names and shapes; the weights are the
/// layer's parameters (<c>p_{name}</c>) and buffers (<c>b_{name}</c>: batch-norm statistics and
/// other constants), saved with the model like any layer's.
/// </summary>
public sealed class OnnxGraphLayerSpec : LayerSpec
{
    /// <summary>The tensor this layer reads: the graph's input, or the previous layer's <see cref="Output"/>.</summary>
    public string Input { get; init; } = "";

    /// <summary>The tensor this layer produces.</summary>
    public string Output { get; init; } = "";

    /// <summary>The shape of one row of <see cref="Input"/> (without the batch dimension), as recorded at import.</summary>
    public int[] InputShape { get; init; } = [];

    /// <summary>The shape of one row of <see cref="Output"/>, as recorded at import.</summary>
    public int[] ResultShape { get; init; } = [];

    /// <summary>The nodes, in an order where every node's inputs come before it.</summary>
    public IReadOnlyList<OnnxNodeSpec> Nodes { get; init; } = [];

    /// <summary>The weights the nodes read (the graph's initializers used here).</summary>
    public IReadOnlyList<OnnxTensorSpec> Tensors { get; init; } = [];

    /// <inheritdoc />
    public override int[] OutputShape(int[] inputShape)
    {
        if (Nodes is null || Tensors is null || InputShape is null || ResultShape is null)
            throw Invalid("ONNX graph layer: Nodes, Tensors, InputShape and ResultShape cannot be null.");
        if (!inputShape.SequenceEqual(InputShape))
            throw Invalid($"ONNX graph layer (reads '{Input}'): it was imported for input [{string.Join(", ", InputShape)}], not [{string.Join(", ", inputShape)}]. " +
                          "Resize the images to the network's input size first.");
        foreach (var node in Nodes)
            if (!OnnxGraphBlock.Supports(node.OpType))
                throw Invalid($"ONNX graph layer: operator '{node.OpType}' (node '{node.Name}') is not supported.");
        return (int[])ResultShape.Clone();
    }

    /// <summary>The number of values the layer's parameters and buffers hold.</summary>
    public long StoredValues => Tensors.Sum(t => t.Shape.Aggregate(1L, (a, b) => a * b));

    internal override nn.Module<Tensor, Tensor> CreateModule(int[] inputShape)
    {
        OutputShape(inputShape);
        return new OnnxGraphBlock(this);
    }
}

/// <summary>One node of an imported ONNX graph.</summary>
/// <param name="Name">The node's name in the graph (may be empty).</param>
/// <param name="OpType">The ONNX operator, e.g. "Conv".</param>
/// <param name="Inputs">The tensors it reads ("" for an omitted optional input).</param>
/// <param name="Outputs">The tensors it writes.</param>
public sealed record OnnxNodeSpec(string Name, string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs)
{
    /// <summary>Integer and integer-list attributes (e.g. strides, pads, axis).</summary>
    public IReadOnlyDictionary<string, long[]> Ints { get; init; } = new Dictionary<string, long[]>();

    /// <summary>Float and float-list attributes (e.g. epsilon, alpha).</summary>
    public IReadOnlyDictionary<string, float[]> Floats { get; init; } = new Dictionary<string, float[]>();

    /// <summary>A Constant node's value: its shape and values (small constants only; large ones are tensors of the layer).</summary>
    public float[]? ConstantValues { get; init; }

    /// <summary>The shape of <see cref="ConstantValues"/>.</summary>
    public long[]? ConstantShape { get; init; }

    /// <summary>The attribute the importer adds to a Softmax node of opset &lt; 13 (flatten to 2-d at axis, then normalise rows).</summary>
    public const string LegacySoftmax = "tlml_legacy_2d";

    /// <summary>An integer attribute, or <paramref name="fallback"/> when absent.</summary>
    public long Int(string name, long fallback) => Ints.TryGetValue(name, out var v) && v.Length > 0 ? v[0] : fallback;

    /// <summary>An integer-list attribute, or null when absent.</summary>
    public long[]? IntList(string name) => Ints.TryGetValue(name, out var v) ? v : null;

    /// <summary>A float attribute, or <paramref name="fallback"/> when absent.</summary>
    public float Float(string name, float fallback) => Floats.TryGetValue(name, out var v) && v.Length > 0 ? v[0] : fallback;
}

/// <summary>A weight of an imported ONNX graph: its name in the graph, shape, and whether training may change it.</summary>
/// <param name="Name">The initializer's name in the graph.</param>
/// <param name="Shape">Its shape.</param>
/// <param name="Trainable">True for weights (convolution kernels, batch-norm scale and shift); false for running statistics and other constants (buffers).</param>
public sealed record OnnxTensorSpec(string Name, long[] Shape, bool Trainable);
