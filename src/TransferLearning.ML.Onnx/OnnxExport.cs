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
/// Exported: trunks of dense, convolution, standardize and imported-ONNX layers, with multitask
/// encoders and progressive columns; classifier, regression (attribute), embedding and
/// candidate-score heads (zero-shot attribute and embedding models, prototypical networks,
/// reference classifiers; the table and any calibration offsets become constants). Refused, with a
/// message naming what: custom layers and the other heads (neighbour votes, kernel projection,
/// ConSE's convex combination, decoder, co-clustering's multinomial matching). Dropout is the identity, batch norm uses its running
/// statistics (inference), as in the transformer.
/// </remarks>
internal sealed class OnnxExport
{
    public const int Opset = 11;

    private readonly GraphProto _graph = new() { Name = "TransferLearning.ML" };
    private readonly Dictionary<string, Tensor> _state;
    private int _names;
    private readonly Dictionary<int, int> _importedRuns = [];

    private OnnxExport(Dictionary<string, Tensor> state) => _state = state;

    /// <summary>The ONNX model of <paramref name="model"/>.</summary>
    /// <exception cref="NotSupportedException">A layer, head or column kind the exporter cannot write, named.</exception>
    public static ModelProto Build(NetworkTransformer model)
    {
        var network = model.Network;
        var spec = network.ModelSpec;
        using var scope = torch.NewDisposeScope();
        var export = new OnnxExport(network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.cpu()));
        var graph = export._graph;
        graph.Input.Add(Value("input", TensorProto.Types.DataType.Float, network.InputLength));

        var trunkShape = spec.Trunk.InputShape.Length > 0 ? spec.Trunk.InputShape : [network.InputLength];
        var outputs = new Dictionary<string, string>();
        // With progressive columns the trunk runs block by block beside them, and writes the features from there.
        if (spec.Columns.Count > 0) export.Columns(spec, trunkShape, outputs);
        else if (spec.Encoders.Count == 0)
            outputs[ModelSpec.FeaturesOutput] = export.Flat(export.Layers("input", spec.Trunk.Layers, trunkShape, i => $"body.{Network.BlockName(i)}.", out var shape), shape);
        // Multitask with an encoder per task: the encoder on its slice of the row, then the shared trunk, is that task's features.
        foreach (var encoder in spec.Encoders)
        {
            string slice = export.Add("Slice", ["input", export.Int64s("starts", [encoder.Offset]), export.Int64s("ends", [encoder.Offset + encoder.Length]), export.Int64s("axes", [1])]);
            var encoderShape = encoder.Layers.InputShape.Length > 0 ? encoder.Layers.InputShape : [encoder.Length];
            string encoded = export.Flat(export.Layers(slice, encoder.Layers.Layers, encoderShape, i => $"encoders.{encoder.Name}.{Network.BlockName(i)}.", out var encodedShape), encodedShape);
            outputs[encoder.Name] = export.Flat(export.Layers(encoded, spec.Trunk.Layers, trunkShape, i => $"body.{Network.BlockName(i)}.", out var shape), shape);
        }
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
                CandidateScoresSpec candidates => export.CandidateScores(input, $"heads.{head.Name}.table", candidates),
                var other => throw new NotSupportedException($"ONNX export cannot write head '{other.Name}' ({other.GetType().Name}); it writes classifier, regression, embedding and candidate-score heads."),
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

    /// <summary>
    /// <paramref name="layers"/> on <paramref name="x"/> ([batch, row] or already shaped), the
    /// state of layer i under <paramref name="prefix"/>(i); <paramref name="shape"/> is the layers'
    /// input shape, and <paramref name="outputShape"/> what they produce.
    /// </summary>
    private string Layers(string x, IReadOnlyList<LayerSpec> layers, int[] shape, Func<int, string> prefix, out int[] outputShape)
    {
        x = Shaped(x, shape);
        for (int i = 0; i < layers.Count; i++)
        {
            x = Layer(x, layers[i], prefix(i), shape, i);
            shape = layers[i].OutputShape(shape);
        }
        outputShape = shape;
        return x;
    }

    private string Layer(string x, LayerSpec layer, string prefix, int[] shape, int index) => layer switch
    {
        DenseLayerSpec dense => Dense(x, prefix, dense, shape.Length > 1),
        ConvolutionLayerSpec convolution => Convolution(x, prefix, convolution),
        StandardizeLayerSpec => Standardize(x, shape),
        OnnxGraphLayerSpec imported => Imported(x, prefix, imported, index),
        var other => throw new NotSupportedException($"ONNX export cannot write layer {index}, a {other.GetType().Name}."),
    };

    /// <summary>A [batch, values] input as [batch, ..<paramref name="shape"/>] when the shape has more than one axis.</summary>
    private string Shaped(string x, int[] shape) => shape.Length > 1 ? Add("Reshape", [x, Int64s("shape", [0, .. shape.Select(d => (long)d)])]) : x;

    /// <summary>A [batch, ...] output as [batch, values].</summary>
    private string Flat(string x, int[] shape) => shape.Length > 1 ? Add("Flatten", [x], ("axis", 1L)) : x;

    /// <summary>
    /// Progressive columns (Rusu et al. 2016) as the network runs them: block by block, column k's
    /// block i reads its own block i−1's output and the trunk's and earlier columns', concatenated on
    /// axis 1; each column's last output is the model output column{k}, the trunk's (column 0) the
    /// features, unless multitask encoders give the features instead.
    /// </summary>
    private void Columns(ModelSpec spec, int[] trunkShape, Dictionary<string, string> outputs)
    {
        var layers = spec.Trunk.Layers;
        string input = Shaped("input", trunkShape);
        var previous = new string[spec.Columns.Count + 1];
        var shapes = new int[spec.Columns.Count + 1][];
        for (int i = 0; i < layers.Count; i++)
        {
            var current = new string[previous.Length];
            var currentShapes = new int[previous.Length][];
            for (int k = 0; k <= spec.Columns.Count; k++)
            {
                var layer = k == 0 ? layers[i] : spec.Columns[k - 1].Layers[i];
                if (i > 0 && k > 0 && layer is StandardizeLayerSpec or OnnxGraphLayerSpec)
                    throw new NotSupportedException($"ONNX export cannot write block {i} of progressive column {k}, a {layer.GetType().Name} on lateral inputs.");
                string x = i == 0 ? input : k == 0 ? previous[0] : Add("Concat", [.. previous[..k], previous[k]], ("axis", 1L));
                int[] shape = i == 0 ? trunkShape : k == 0 ? shapes[0] : Concatenated(shapes[..(k + 1)]);
                string prefix = k == 0 ? $"body.{Network.BlockName(i)}." : $"columns.{k}.{Network.BlockName(i)}.";
                current[k] = Layer(x, layer, prefix, shape, i);
                currentShapes[k] = layer.OutputShape(shape);
            }
            (previous, shapes) = (current, currentShapes);
        }
        if (spec.Encoders.Count == 0) outputs[ModelSpec.FeaturesOutput] = layers.Count == 0 ? "input" : Flat(previous[0], shapes[0]);
        for (int k = 1; k <= spec.Columns.Count; k++)
            outputs[ModelSpec.ColumnOutput(k)] = layers.Count == 0 ? "input" : Flat(previous[k], shapes[k]);
    }

    /// <summary>The shape of outputs concatenated on their first axis (channels, or features).</summary>
    private static int[] Concatenated(int[][] shapes) => [shapes.Sum(s => s[0]), .. shapes[0][1..]];

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
        // A trunk runs once per multitask encoder: each later run of the block gets names of its own.
        int run = _importedRuns.GetValueOrDefault(index);
        _importedRuns[index] = run + 1;
        string scope = run == 0 ? $"b{index}_" : $"b{index}r{run}_";
        // Shapes read by Reshape (and Split's sizes) are int64 in ONNX; the imported layer keeps every weight as float.
        var integers = layer.Nodes.Where(n => n.OpType is "Reshape" or "Split" && n.Inputs.Count > 1).Select(n => n.Inputs[1]).ToHashSet(StringComparer.Ordinal);
        foreach (var tensor in layer.Tensors)
        {
            string name = $"{scope}{tensor.Name}";
            var values = _state[prefix + OnnxGraphBlock.Key(tensor)].data<float>().ToArray();
            _graph.Initializer.Add(integers.Contains(tensor.Name) ? Int64Tensor(name, tensor.Shape, values.Select(v => (long)v).ToArray()) : FloatTensor(name, tensor.Shape, values));
            renamed[tensor.Name] = name;
        }
        string Name(string t) => t.Length == 0 ? "" : renamed.TryGetValue(t, out var n) ? n : renamed[t] = $"{scope}{t}";
        foreach (var node in layer.Nodes)
        {
            var onnx = new NodeProto { OpType = node.OpType == "Dropout" ? "Identity" : node.OpType, Name = $"{scope}n{_names++}_{node.Name}" };
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

    /// <summary>
    /// A candidate-scores head (zero-shot models, prototype classifiers) with its table as constants,
    /// computed as <see cref="CandidateScoresHead"/> does; the multinomial matching of co-clustering is refused.
    /// </summary>
    private string CandidateScores(string x, string tableName, CandidateScoresSpec spec)
    {
        var table = _state[tableName].to_type(ScalarType.Float32);
        long candidates = table.shape[0], length = table.shape[1];
        string Constant(string hint, Tensor t) => Floats(hint, t.shape, t.contiguous().data<float>().ToArray());
        string MatMulTable(string rows, Tensor t) => Add("MatMul", [rows, Constant("candidates_t", t.t())]);
        const float epsilon = 1e-6f;
        string scores = spec.Matching switch
        {
            CandidateMatching.Dot => MatMulTable(x, table),
            // torch's normalize divides by max(norm, 1e-8); the table is normalised here once.
            CandidateMatching.Cosine => MatMulTable(Add("Div", [x, Add("Max", [Add("ReduceL2", [x], ("axes", new[] { 1L }), ("keepdims", 1L)), Floats("eps", [], [1e-8f])])]),
                nn.functional.normalize(table, p: 2, dim: 1, eps: 1e-8)),
            CandidateMatching.NegativeSquaredEuclidean => Add("Neg", [SquaredDistances(x, table)]),
            CandidateMatching.NegativeEuclidean => Add("Neg", [Add("Sqrt", [Add("Relu", [SquaredDistances(x, table)])])]),
            CandidateMatching.AttributeLikelihood => Add("Add", [
                MatMulTable(Add("Log", [Add("Clip", [x, Floats("min", [], [epsilon]), Floats("max", [], [1 - epsilon])])]), table),
                MatMulTable(Add("Log", [Add("Clip", [Add("Sub", [Floats("one", [], [1f]), x]), Floats("min", [], [epsilon]), Floats("max", [], [1 - epsilon])])]), 1 - table)]),
            var other => throw new NotSupportedException($"ONNX export cannot write candidate matching {other} (head '{spec.Name}')."),
        };
        if (spec.Probabilities || spec.Matching == CandidateMatching.AttributeLikelihood) scores = Add("Softmax", [scores], ("axis", 1L));
        if (spec.Offsets is { } offsets) scores = Add("Sub", [scores, Floats("offsets", [1, candidates], offsets.ToArray())]);
        return scores;

        // |x|² − 2 x·t + |t|² for every row and candidate ([batch, candidates]).
        string SquaredDistances(string rows, Tensor t) => Add("Add", [
            Add("Sub", [Add("ReduceSumSquare", [rows], ("axes", new[] { 1L }), ("keepdims", 1L)), Add("Mul", [MatMulTable(rows, t), Floats("two", [], [2f])])]),
            Constant("candidate_norms", t.square().sum(1).unsqueeze(0))]);
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
