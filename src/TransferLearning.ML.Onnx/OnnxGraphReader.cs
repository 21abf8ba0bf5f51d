using Google.Protobuf;
using Onnx;
using TransferLearning.ML.Torch.Networks;

namespace TransferLearning.ML.Onnx;

/// <summary>
/// Reads ONNX files (parsed with OnnxSharp's generated protobuf classes over Google.Protobuf) into
/// the nodes and weights of <see cref="OnnxGraphLayerSpec"/> layers. Several files chain: the one
/// output of each feeds the one input of the next (e.g. a preprocessing graph, then the network).
/// </summary>
internal static class OnnxGraphReader
{
    private static readonly HashSet<string> LayerOperators = ["Conv", "Gemm", "MatMul"];

    /// <summary>The graph as one list of nodes and weights, its input tensor, its input shape (without batch) and its output tensor.</summary>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is not an ONNX model, or a graph has several inputs or outputs, or an operator or attribute this importer cannot run (named with its node).</exception>
    public static ReadGraph Read(IReadOnlyList<string> paths)
    {
        if (paths.Count == 0) throw new ArgumentException("Give at least one ONNX file.", nameof(paths));
        var nodes = new List<OnnxNodeSpec>();
        var weights = new Dictionary<string, (long[] Shape, float[] Values)>(StringComparer.Ordinal);
        string? input = null, previousOutput = null;
        int[]? inputShape = null;
        for (int g = 0; g < paths.Count; g++)
        {
            string path = paths[g];
            if (!File.Exists(path)) throw new FileNotFoundException($"ONNX file '{path}' does not exist.", path);
            ModelProto model;
            try
            {
                model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));
            }
            catch (InvalidProtocolBufferException e)
            {
                throw new InvalidDataException($"'{path}' is not an ONNX model: {e.Message}", e);
            }
            var graph = model.Graph ?? throw new InvalidDataException($"'{path}' holds no ONNX graph.");
            if (model.OpsetImport.Any(o => o.Domain is not ("" or "ai.onnx")))
                throw new InvalidDataException($"'{path}' uses operator set '{model.OpsetImport.First(o => o.Domain is not ("" or "ai.onnx")).Domain}', which this importer cannot run (only the default ONNX domain).");
            var initializers = graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
            var inputs = graph.Input.Where(i => !initializers.Contains(i.Name)).ToArray();
            if (inputs.Length != 1 || graph.Output.Count != 1)
                throw new InvalidDataException($"'{path}' has {inputs.Length} inputs and {graph.Output.Count} outputs; an imported network needs one of each.");
            // Names are prefixed per file so that chained graphs cannot collide.
            string prefix = paths.Count == 1 ? "" : $"g{g}_";
            string Name(string tensor) => tensor.Length == 0 ? "" : g > 0 && tensor == inputs[0].Name ? previousOutput! : prefix + tensor;
            if (g == 0)
            {
                input = Name(inputs[0].Name);
                var dims = inputs[0].Type?.TensorType?.Shape?.Dim.Skip(1).Select(d => d.DimValue).ToArray() ?? [];
                if (dims.Length == 0 || dims.Any(d => d < 1))
                    throw new InvalidDataException($"'{path}': input '{inputs[0].Name}' has no fixed shape; the importer needs one (e.g. 3x224x224).");
                inputShape = dims.Select(d => checked((int)d)).ToArray();
            }
            foreach (var tensor in graph.Initializer) weights[Name(tensor.Name)] = Values(tensor, path);
            long opset = model.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version ?? 1;
            foreach (var node in graph.Node) nodes.Add(Node(node, Name, path, opset));
            previousOutput = Name(graph.Output[0].Name);
        }
        return new ReadGraph(nodes, weights, input!, inputShape!, previousOutput!);
    }

    /// <summary>
    /// Cuts the nodes into layers at the points where a single tensor is live (every later node
    /// reads only it and the weights); a piece without a Conv, Gemm or MatMul joins the piece
    /// before it, so that a ResNet becomes its stem and one layer per residual block.
    /// </summary>
    public static IReadOnlyList<(List<OnnxNodeSpec> Nodes, string Input, string Output)> CutIntoLayers(ReadGraph graph)
    {
        var lastUse = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < graph.Nodes.Count; i++)
            foreach (var t in graph.Nodes[i].Inputs)
                if (t.Length > 0 && !graph.Weights.ContainsKey(t)) lastUse[t] = i;
        lastUse[graph.Output] = int.MaxValue;
        var live = new HashSet<string>(StringComparer.Ordinal) { graph.Input };
        var pieces = new List<(List<OnnxNodeSpec> Nodes, string Input, string Output)>();
        var current = new List<OnnxNodeSpec>();
        string pieceInput = graph.Input;
        for (int i = 0; i < graph.Nodes.Count; i++)
        {
            var node = graph.Nodes[i];
            current.Add(node);
            foreach (var t in node.Outputs) if (lastUse.ContainsKey(t)) live.Add(t);
            live.RemoveWhere(t => lastUse.TryGetValue(t, out int last) && last <= i);
            if (live.Count == 1 && (i == graph.Nodes.Count - 1 || !current.All(n => n.OpType == "Constant")))
            {
                string output = live.First();
                if (pieces.Count > 0 && !current.Any(n => LayerOperators.Contains(n.OpType)))
                {
                    var last = pieces[^1];
                    last.Nodes.AddRange(current);
                    pieces[^1] = (last.Nodes, last.Input, output);
                }
                else pieces.Add((current, pieceInput, output));
                current = [];
                pieceInput = output;
            }
        }
        if (current.Count > 0) throw new InvalidDataException("The ONNX graph does not end in its output tensor.");
        return pieces;
    }

    private static OnnxNodeSpec Node(NodeProto node, Func<string, string> name, string path, long opset)
    {
        string where = $"node '{node.Name}' ({node.OpType}) of '{Path.GetFileName(path)}'";
        if (node.Domain is not ("" or "ai.onnx"))
            throw new InvalidDataException($"The ONNX {where} is in domain '{node.Domain}', which this importer cannot run.");
        if (!Torch.Modules.OnnxGraphBlock.Supports(node.OpType))
            throw new InvalidDataException($"The ONNX {where} uses operator '{node.OpType}', which this importer cannot run. " +
                "Supported: Conv, BatchNormalization, Relu, LeakyRelu, Sigmoid, Tanh, Clip, Add, Sub, Mul, Div, MaxPool, AveragePool, GlobalAveragePool, " +
                "GlobalMaxPool, Gemm, MatMul, Flatten, Reshape, Concat, Split, Identity, Dropout, Constant, Softmax, Transpose.");
        var ints = new Dictionary<string, long[]>();
        var floats = new Dictionary<string, float[]>();
        float[]? constant = null;
        long[]? constantShape = null;
        foreach (var attribute in node.Attribute)
        {
            switch (attribute.Type)
            {
                case AttributeProto.Types.AttributeType.Int: ints[attribute.Name] = [attribute.I]; break;
                case AttributeProto.Types.AttributeType.Ints: ints[attribute.Name] = attribute.Ints.ToArray(); break;
                case AttributeProto.Types.AttributeType.Float: floats[attribute.Name] = [attribute.F]; break;
                case AttributeProto.Types.AttributeType.Floats: floats[attribute.Name] = attribute.Floats.ToArray(); break;
                case AttributeProto.Types.AttributeType.Tensor when node.OpType == "Constant" && attribute.Name == "value":
                    (constantShape, constant) = Values(attribute.T, path);
                    break;
                case AttributeProto.Types.AttributeType.String when attribute.Name == "auto_pad":
                    string pad = attribute.S.ToStringUtf8();
                    if (pad is not ("NOTSET" or "VALID" or ""))
                        throw new InvalidDataException($"The ONNX {where} uses auto_pad {pad}; this importer needs explicit pads.");
                    break;
                default:
                    throw new InvalidDataException($"The ONNX {where} has attribute '{attribute.Name}' of type {attribute.Type}, which this importer cannot read.");
            }
        }
        if (node.OpType is "Conv" or "MaxPool" or "AveragePool" && ints.TryGetValue("kernel_shape", out var kernel) && kernel.Length != 2)
            throw new InvalidDataException($"The ONNX {where} works on {kernel.Length}-d data; this importer runs 2-d convolutions and pooling only.");
        // Before opset 13, Softmax flattens its input to 2-d at axis (default 1) and normalises each row.
        if (node.OpType == "Softmax" && opset < 13) ints[OnnxNodeSpec.LegacySoftmax] = [1];
        if (node.OpType == "Constant" && constant is null)
            throw new InvalidDataException($"The ONNX {where} holds no tensor value.");
        return new OnnxNodeSpec(node.Name, node.OpType, node.Input.Select(name).ToArray(), node.Output.Select(name).ToArray())
        {
            Ints = ints, Floats = floats, ConstantValues = constant, ConstantShape = constantShape,
        };
    }

    /// <summary>A tensor's shape and values as floats (float tensors, and integer ones such as Reshape's shapes).</summary>
    private static (long[] Shape, float[] Values) Values(TensorProto tensor, string path)
    {
        var shape = tensor.Dims.ToArray();
        long count = shape.Aggregate(1L, (a, b) => a * b);
        float[] values = (TensorProto.Types.DataType)tensor.DataType switch
        {
            TensorProto.Types.DataType.Float => tensor.RawData.Length > 0 ? Raw<float>(tensor.RawData) : tensor.FloatData.ToArray(),
            TensorProto.Types.DataType.Int64 => (tensor.RawData.Length > 0 ? Raw<long>(tensor.RawData) : tensor.Int64Data.ToArray()).Select(v => (float)v).ToArray(),
            TensorProto.Types.DataType.Int32 => (tensor.RawData.Length > 0 ? Raw<int>(tensor.RawData) : tensor.Int32Data.ToArray()).Select(v => (float)v).ToArray(),
            var other => throw new InvalidDataException($"Tensor '{tensor.Name}' of '{path}' is of type {other}; the importer reads float and integer tensors."),
        };
        if (values.Length != count)
            throw new InvalidDataException($"Tensor '{tensor.Name}' of '{path}' holds {values.Length} values; its shape [{string.Join(", ", shape)}] needs {count}.");
        return (shape, values);
    }

    private static T[] Raw<T>(ByteString bytes) where T : unmanaged =>
        System.Runtime.InteropServices.MemoryMarshal.Cast<byte, T>(bytes.Span).ToArray(); // ONNX raw data is little-endian, as x86 and ARM are
}

/// <summary>An ONNX graph (or a chain of them) as nodes and weights.</summary>
internal sealed record ReadGraph(IReadOnlyList<OnnxNodeSpec> Nodes, IReadOnlyDictionary<string, (long[] Shape, float[] Values)> Weights,
    string Input, int[] InputShape, string Output);
