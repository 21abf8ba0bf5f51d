using System.Text.Json;
using Google.Protobuf;
using Onnx;
using TorchSharp;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;
using static TorchSharp.torch;

namespace TransferLearning.ML.Onnx;

/// <summary>
/// Writes a trained <see cref="NetworkTransformer"/> as an ONNX model (opset 11, IR 6), so that ONNX
/// Runtime or any ONNX server can run it. The graph reads <c>input</c>, a float tensor
/// [batch, row length] laid out as the transformer's input column, and writes one output per
/// column of the transformer: vectors and class scores as float [batch, size], scalars as float
/// [batch, 1], a predicted key as int64 [batch] holding the 0-based class index (ML.NET's key is
/// that + 1), a probability as float [batch, 1], a predicted Boolean as bool [batch, 1]. The class
/// names of each scored head are in the model's metadata (<c>classes.{column}</c>, a JSON array).
/// </summary>
/// <remarks>
/// Exported: trunks of dense, convolution, standardize and imported-ONNX layers; classifier,
/// regression (attribute) and embedding heads. Refused, with a message naming what: custom layers,
/// progressive columns, task-specific encoders and the other heads (candidate scores, neighbour
/// votes, kernel projection, ConSE, decoder). Dropout is the identity, batch norm uses its running
/// statistics (inference), as in the transformer.
/// </remarks>
internal sealed class OnnxExport
{
    public const int Opset = 11;

    private readonly GraphProto _graph = new() { Name = "TransferLearning.ML" };
    private readonly Dictionary<string, Tensor> _state;
    private int _names;

    private OnnxExport(Dictionary<string, Tensor> state) => _state = state;

    /// <summary>The ONNX model of <paramref name="model"/>.</summary>
    /// <exception cref="NotSupportedException">A layer, head or column kind the exporter cannot write, named.</exception>
    public static ModelProto Build(NetworkTransformer model)
    {
        var network = model.Network;
        var spec = network.ModelSpec;
        if (spec.Columns.Count > 0) throw new NotSupportedException("ONNX export does not write progressive columns yet.");
        if (spec.Encoders.Count > 0) throw new NotSupportedException("ONNX export does not write task-specific encoders yet.");
        using var scope = torch.NewDisposeScope();
        var export = new OnnxExport(network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.cpu()));
        var graph = export._graph;
        graph.Input.Add(Value("input", TensorProto.Types.DataType.Float, network.InputLength));

        string x = "input";
        var shape = spec.Trunk.InputShape.Length > 0 ? spec.Trunk.InputShape : [network.InputLength];
        if (shape.Length > 1) x = export.Add("Reshape", [x, export.Int64s("shape", [0, .. shape.Select(d => (long)d)])]);
        for (int i = 0; i < spec.Trunk.Layers.Count; i++)
        {
            string prefix = $"body.{Network.BlockName(i)}.";
            x = spec.Trunk.Layers[i] switch
            {
                DenseLayerSpec dense => export.Dense(x, prefix, dense, shape.Length > 1),
                ConvolutionLayerSpec convolution => export.Convolution(x, prefix, convolution),
                StandardizeLayerSpec => export.Standardize(x, shape),
                OnnxGraphLayerSpec imported => export.Imported(x, prefix, imported, i),
                var other => throw new NotSupportedException($"ONNX export cannot write layer {i}, a {other.GetType().Name}."),
            };
            shape = spec.Trunk.Layers[i].OutputShape(shape);
        }
        var outputs = new Dictionary<string, string> { [ModelSpec.FeaturesOutput] = shape.Length > 1 ? export.Add("Flatten", [x], ("axis", 1L)) : x };
        foreach (var head in spec.Heads)
        {
            string input = outputs[head.Input ?? ModelSpec.FeaturesOutput];
            string prefix = $"heads.{head.Name}.linear.";
            outputs[head.Name] = head switch
            {
                ClassifierHeadSpec => export.Add("Softmax", [export.Linear(input, prefix)], ("axis", 1L)),
                RegressionHeadSpec { Sigmoid: true } => export.Add("Sigmoid", [export.Linear(input, prefix)]),
                RegressionHeadSpec => export.Linear(input, prefix),
                EmbeddingHeadSpec { Normalize: true } => export.Add("LpNormalization", [export.Linear(input, prefix)], ("axis", 1L), ("p", 2L)),
                EmbeddingHeadSpec => export.Linear(input, prefix),
                var other => throw new NotSupportedException($"ONNX export cannot write head '{other.Name}' ({other.GetType().Name}); it writes classifier, regression and embedding heads."),
            };
        }

        var metadata = new List<StringStringEntryProto>();
        foreach (var column in model.OutputColumns)
        {
            string source = outputs[column.Output];
            int size = network.OutputSizes[column.Output];
            (string tensor, TensorProto.Types.DataType type, long[] dims) = column.Kind switch
            {
                OutputColumnKind.Vector or OutputColumnKind.ClassScores => (export.Add("Identity", [source]), TensorProto.Types.DataType.Float, new long[] { size }),
                OutputColumnKind.Scalar => (export.Add("Identity", [source]), TensorProto.Types.DataType.Float, [1L]),
                OutputColumnKind.PredictedKey => (export.Add("ArgMax", [source], ("axis", 1L), ("keepdims", 0L)), TensorProto.Types.DataType.Int64, []),
                OutputColumnKind.Probability => (export.Add("Sigmoid", [source]), TensorProto.Types.DataType.Float, [1L]),
                OutputColumnKind.PredictedBoolean => (export.Add("Greater", [source, export.Floats("zero", [], [0f])]), TensorProto.Types.DataType.Bool, [1L]),
                var other => throw new NotSupportedException($"ONNX export cannot write column '{column.Name}' of kind {other}."),
            };
            // The graph output carries the column's name.
            graph.Node[^1].Output[0] = column.Name;
            graph.Output.Add(Value(column.Name, type, dims));
            if (column.Names is { Count: > 0 } names && column.Kind is OutputColumnKind.ClassScores or OutputColumnKind.PredictedKey)
                metadata.Add(new StringStringEntryProto { Key = $"classes.{column.Name}", Value = JsonSerializer.Serialize(names) });
        }

        var onnx = new ModelProto
        {
            IrVersion = 6, ProducerName = "TransferLearning.ML", ProducerVersion = typeof(OnnxExport).Assembly.GetName().Version?.ToString() ?? "", Graph = graph,
            DocString = $"Exported from a TransferLearning.ML {model.Method} model. Input 'input': float [batch, {network.InputLength}], the '{string.Join("', '", model.Input.ColumnNames)}' column(s) as the model reads them.",
        };
        onnx.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        onnx.MetadataProps.Add(metadata);
        return onnx;
    }

    private string Dense(string x, string prefix, DenseLayerSpec dense, bool flatten)
    {
        if (flatten) x = Add("Flatten", [x], ("axis", 1L));
        x = Linear(x, prefix + "linear.");
        if (dense.BatchNorm) x = BatchNorm(x, prefix + "norm.");
        return Activation(x, dense.Activation);
    }

    private string Convolution(string x, string prefix, ConvolutionLayerSpec convolution)
    {
        long p = convolution.Padding, k = convolution.KernelSize, s = convolution.Stride;
        x = Add("Conv", [x, Weight(prefix + "conv.weight"), Weight(prefix + "conv.bias")],
            ("kernel_shape", new[] { k, k }), ("strides", new[] { s, s }), ("pads", new[] { p, p, p, p }));
        if (convolution.BatchNorm) x = BatchNorm(x, prefix + "norm.");
        x = Activation(x, convolution.Activation);
        long pool = convolution.Pool;
        return pool > 1 ? Add("MaxPool", [x], ("kernel_shape", new[] { pool, pool }), ("strides", new[] { pool, pool })) : x;
    }

    /// <summary>Per-row (x − mean) / (std + 1e-5) over every value of the row, std with n − 1 as torch's.</summary>
    private string Standardize(string x, int[] shape)
    {
        string flat = Add("Flatten", [x], ("axis", 1L));
        string mean = Add("ReduceMean", [flat], ("axes", new[] { 1L }), ("keepdims", 1L));
        string centred = Add("Sub", [flat, mean]);
        long n = shape.Aggregate(1L, (a, b) => a * b);
        string variance = Add("Div", [Add("ReduceSum", [Add("Mul", [centred, centred])], ("axes", new[] { 1L }), ("keepdims", 1L)), Floats("n", [], [n - 1])]);
        string scaled = Add("Div", [centred, Add("Add", [Add("Sqrt", [variance]), Floats("eps", [], [1e-5f])])]);
        return shape.Length > 1 ? Add("Reshape", [scaled, Int64s("shape", [0, .. shape.Select(d => (long)d)])]) : scaled;
    }

    /// <summary>An imported graph's nodes, renamed into this graph, with its weights from the trained state.</summary>
    private string Imported(string x, string prefix, OnnxGraphLayerSpec layer, int index)
    {
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal) { [layer.Input] = x };
        // Shapes read by Reshape (and Split's sizes) are int64 in ONNX; the imported layer keeps every weight as float.
        var integers = layer.Nodes.Where(n => n.OpType is "Reshape" or "Split" && n.Inputs.Count > 1).Select(n => n.Inputs[1]).ToHashSet(StringComparer.Ordinal);
        foreach (var tensor in layer.Tensors)
        {
            string name = $"b{index}_{tensor.Name}";
            var values = _state[prefix + OnnxGraphBlock.Key(tensor)].data<float>().ToArray();
            _graph.Initializer.Add(integers.Contains(tensor.Name) ? Int64Tensor(name, tensor.Shape, values.Select(v => (long)v).ToArray()) : FloatTensor(name, tensor.Shape, values));
            renamed[tensor.Name] = name;
        }
        string Name(string t) => t.Length == 0 ? "" : renamed.TryGetValue(t, out var n) ? n : renamed[t] = $"b{index}_{t}";
        foreach (var node in layer.Nodes)
        {
            var onnx = new NodeProto { OpType = node.OpType == "Dropout" ? "Identity" : node.OpType, Name = $"b{index}_n{_names++}_{node.Name}" };
            var inputs = node.OpType == "Dropout" ? node.Inputs.Take(1) : node.Inputs;
            onnx.Input.AddRange(inputs.Select(Name));
            onnx.Output.AddRange(node.OpType == "Dropout" ? node.Outputs.Take(1).Select(Name) : node.Outputs.Select(Name));
            // Attributes older opsets had and opset 11 refuses (batch norm's spatial and is_test) are dropped: they change nothing at inference.
            foreach (var (name, values) in node.Ints.Where(a => a.Key is not (OnnxNodeSpec.LegacySoftmax or "spatial" or "is_test" or "consumed_inputs")))
                if (node.OpType != "Dropout") onnx.Attribute.Add(values.Length == 1 && Scalar(node.OpType, name) ? Attribute(name, values[0]) : Attribute(name, values));
            foreach (var (name, values) in node.Floats)
            {
                if (node.OpType == "Clip" || node.OpType == "Dropout") continue; // Clip's bounds become inputs at opset 11; Dropout is gone
                onnx.Attribute.Add(values.Length == 1 && name is not "scales" ? Attribute(name, values[0]) : Attribute(name, values));
            }
            if (node.OpType == "Clip" && node.Inputs.Count == 1)
            {
                onnx.Input.Add(Floats("min", [], [node.Float("min", float.MinValue)]));
                onnx.Input.Add(Floats("max", [], [node.Float("max", float.MaxValue)]));
            }
            if (node.OpType == "Softmax" && node.Int(OnnxNodeSpec.LegacySoftmax, 0) == 0)
                throw new NotSupportedException($"ONNX export cannot write node '{node.Name}': a Softmax from an opset-13 graph (its semantics differ at opset {Opset}).");
            if (node.OpType == "Constant")
            {
                var value = FloatTensor("value", node.ConstantShape!, node.ConstantValues!);
                onnx.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = value });
            }
            if (node.OpType == "Reshape" && _graph.Initializer.FirstOrDefault(t => t.Name == onnx.Input[1]) is TensorProto target)
                FreeBatch(target); // the imported graph may fix the batch at 1: copy it from the input instead
            _graph.Node.Add(onnx);
        }
        return renamed[layer.Output];
    }

    private static bool Scalar(string opType, string attribute) => attribute is "axis" or "group" or "keepdims" or "transA" or "transB" or "count_include_pad" or "ceil_mode" or "storage_order" or "spatial" or "p";

    /// <summary>Rewrites a Reshape target's first dimension to 0 (copy the input's batch) when it is a fixed size.</summary>
    private static void FreeBatch(TensorProto target)
    {
        var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(target.RawData.Span).ToArray();
        if (values.Length == 0 || values[0] <= 0) return;
        values[0] = 0;
        target.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    private string Linear(string x, string prefix) => Add("Gemm", [x, Weight(prefix + "weight"), Weight(prefix + "bias")], ("transB", 1L));

    private string BatchNorm(string x, string prefix) =>
        Add("BatchNormalization", [x, Weight(prefix + "weight"), Weight(prefix + "bias"), Weight(prefix + "running_mean"), Weight(prefix + "running_var")], ("epsilon", 1e-5f));

    private string Activation(string x, Activation activation) => activation switch
    {
        Torch.Networks.Activation.None => x,
        Torch.Networks.Activation.Relu => Add("Relu", [x]),
        Torch.Networks.Activation.Tanh => Add("Tanh", [x]),
        Torch.Networks.Activation.Sigmoid => Add("Sigmoid", [x]),
        // GELU as torch computes it by default: 0.5·x·(1 + erf(x / √2)); opset 11 has no Gelu.
        Torch.Networks.Activation.Gelu => Add("Mul", [Add("Mul", [x, Floats("half", [], [0.5f])]),
            Add("Add", [Add("Erf", [Add("Div", [x, Floats("sqrt2", [], [MathF.Sqrt(2)])])]), Floats("one", [], [1f])])]),
        _ => throw new NotSupportedException($"ONNX export cannot write activation {activation}."),
    };

    /// <summary>A trained parameter or buffer as an initializer (named by its state name).</summary>
    private string Weight(string stateName)
    {
        if (_graph.Initializer.Any(t => t.Name == stateName)) return stateName;
        var value = _state.TryGetValue(stateName, out var v) ? v : throw new InvalidOperationException($"The network has no '{stateName}'.");
        _graph.Initializer.Add(FloatTensor(stateName, value.shape, value.to_type(ScalarType.Float32).data<float>().ToArray()));
        return stateName;
    }

    private string Floats(string hint, long[] shape, float[] values)
    {
        string name = $"{hint}_{_names++}";
        _graph.Initializer.Add(FloatTensor(name, shape, values));
        return name;
    }

    private string Int64s(string hint, long[] values)
    {
        string name = $"{hint}_{_names++}";
        _graph.Initializer.Add(Int64Tensor(name, [values.Length], values));
        return name;
    }

    private static TensorProto Int64Tensor(string name, long[] shape, long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.AddRange(shape);
        return tensor;
    }

    /// <summary>Adds a node with one output, named after the operator, and returns that output's name.</summary>
    private string Add(string opType, string[] inputs, params (string Name, object Value)[] attributes)
    {
        string output = $"{opType.ToLowerInvariant()}_{_names++}";
        var node = new NodeProto { OpType = opType, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        foreach (var (name, value) in attributes)
            node.Attribute.Add(value switch
            {
                long i => Attribute(name, i),
                long[] ints => Attribute(name, ints),
                float f => Attribute(name, f),
                _ => throw new ArgumentException($"Attribute {name}."),
            });
        _graph.Node.Add(node);
        return output;
    }

    private static AttributeProto Attribute(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Attribute(string name, long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static AttributeProto Attribute(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private static AttributeProto Attribute(string name, float[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Floats };
        attribute.Floats.AddRange(values);
        return attribute;
    }

    private static TensorProto FloatTensor(string name, long[] shape, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.AddRange(shape);
        return tensor;
    }

    private static ValueInfoProto Value(string name, TensorProto.Types.DataType type, params long[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "batch" });
        foreach (long d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }
}
