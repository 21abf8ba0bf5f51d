using System.Text;
using TorchSharp;
using TorchSharp.Modules;
using TransferLearning.ML.Torch.Networks;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Modules;

/// <summary>
/// Runs the nodes of an <see cref="OnnxGraphLayerSpec"/> with TorchSharp operators, node by node,
/// on a batch: ONNX semantics for each supported operator (asymmetric pads, batch-norm momentum,
/// Gemm's transposes...), so that the imported network computes what ONNX Runtime computes, and
/// trains, since every operator is differentiable TorchSharp.
/// </summary>
internal sealed class OnnxGraphBlock : nn.Module<Tensor, Tensor>
{
    private static readonly HashSet<string> Operators =
    [
        "Conv", "BatchNormalization", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Clip", "Add", "Sub", "Mul", "Div", "MaxPool", "AveragePool",
        "GlobalAveragePool", "GlobalMaxPool", "Gemm", "MatMul", "Flatten", "Reshape", "Concat", "Split", "Identity", "Dropout", "Constant", "Softmax", "Transpose",
    ];

    private readonly OnnxGraphLayerSpec _spec;
    private readonly Dictionary<string, string> _keys = new(StringComparer.Ordinal); // ONNX tensor name → parameter or buffer name

    public OnnxGraphBlock(OnnxGraphLayerSpec spec) : base(nameof(OnnxGraphBlock))
    {
        _spec = spec;
        foreach (var tensor in spec.Tensors)
        {
            string key = Key(tensor);
            _keys[tensor.Name] = key;
            var value = torch.zeros(tensor.Shape, ScalarType.Float32);
            if (tensor.Trainable) register_parameter(key, new Parameter(value));
            else register_buffer(key, value);
        }
    }

    /// <summary>Whether the block can run <paramref name="opType"/>.</summary>
    public static bool Supports(string opType) => Operators.Contains(opType);

    /// <summary>The state name of an ONNX tensor: "p_" (parameter) or "b_" (buffer) + its name with other characters than letters and digits as '_'.</summary>
    public static string Key(OnnxTensorSpec tensor)
    {
        var name = new StringBuilder(tensor.Trainable ? "p_" : "b_");
        foreach (char c in tensor.Name) name.Append(char.IsAsciiLetterOrDigit(c) ? c : '_');
        return name.ToString();
    }

    public override Tensor forward(Tensor input)
    {
        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal)
        {
            [_spec.Input] = input.reshape([input.shape[0], .. _spec.InputShape.Select(d => (long)d)]),
        };
        var state = named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        foreach (var (name, buffer) in named_buffers()) state[name] = buffer;
        Tensor Get(string name) => values.TryGetValue(name, out var v) ? v
            : _keys.TryGetValue(name, out var key) ? state[key]
            : throw new InvalidOperationException($"ONNX graph layer: tensor '{name}' is read before it is written.");
        foreach (var node in _spec.Nodes)
        {
            var outputs = Run(node, node.Inputs.Select(i => i.Length == 0 ? null : Get(i)).ToArray());
            for (int i = 0; i < outputs.Length && i < node.Outputs.Count; i++) values[node.Outputs[i]] = outputs[i];
        }
        return Get(_spec.Output);
    }

    private Tensor[] Run(OnnxNodeSpec node, Tensor?[] x)
    {
        Tensor X(int i) => x[i] ?? throw new InvalidOperationException($"ONNX node '{node.Name}' ({node.OpType}) needs input {i}.");
        switch (node.OpType)
        {
            case "Conv": return [Convolution(node, X(0), X(1), x.Length > 2 ? x[2] : null)];
            case "BatchNormalization":
                // ONNX: running = momentum·running + (1 − momentum)·batch; torch's momentum is the other weight.
                return [nn.functional.batch_norm(X(0), X(3), X(4), X(1), X(2), training, 1 - node.Float("momentum", 0.9f), node.Float("epsilon", 1e-5f))];
            case "Relu": return [nn.functional.relu(X(0))];
            case "LeakyRelu": return [nn.functional.leaky_relu(X(0), node.Float("alpha", 0.01f))];
            case "Sigmoid": return [X(0).sigmoid()];
            case "Tanh": return [X(0).tanh()];
            case "Clip":
                {
                    // opset < 11: min/max attributes; 11+: optional inputs.
                    double min = x.Length > 1 && x[1] is Tensor lo ? lo.item<float>() : node.Float("min", float.NegativeInfinity);
                    double max = x.Length > 2 && x[2] is Tensor hi ? hi.item<float>() : node.Float("max", float.PositiveInfinity);
                    return [X(0).clamp(min, max)];
                }
            case "Add": return [X(0) + X(1)];
            case "Sub": return [X(0) - X(1)];
            case "Mul": return [X(0) * X(1)];
            case "Div": return [X(0) / X(1)];
            case "MaxPool": return [Pool(node, X(0), max: true)];
            case "AveragePool": return [Pool(node, X(0), max: false)];
            case "GlobalAveragePool": return [X(0).mean([2L, 3L], keepdim: true)];
            case "GlobalMaxPool": return [X(0).amax([2L, 3L], keepdim: true)];
            case "Gemm":
                {
                    var a = node.Int("transA", 0) != 0 ? X(0).t() : X(0);
                    var b = node.Int("transB", 0) != 0 ? X(1).t() : X(1);
                    var y = MatMul(node, a, b) * node.Float("alpha", 1f);
                    return [x.Length > 2 && x[2] is Tensor c ? y + c * node.Float("beta", 1f) : y];
                }
            case "MatMul": return [MatMul(node, X(0), X(1))];
            case "Flatten":
                {
                    long axis = node.Int("axis", 1);
                    var input = X(0);
                    if (axis < 0) axis += input.dim();
                    if (axis != 1) throw AcrossRows(node, $"axis {node.Int("axis", 1)}");
                    return [input.reshape(input.shape[0], -1)];
                }
            case "Reshape":
                {
                    var target = X(1).to_type(ScalarType.Int64).data<long>().ToArray();
                    var input = X(0);
                    // 0 copies the input's dimension; the batch dimension stays the batch's, whatever the graph recorded.
                    for (int i = 0; i < target.Length; i++) if (target[i] == 0 || i == 0 && target[i] > 0) target[i] = input.shape[i];
                    if (target.Length == 0 || target[0] != input.shape[0] && target[0] != -1 || target[0] == -1 && target.Skip(1).Any(d => d == -1))
                        throw AcrossRows(node, $"target shape [{string.Join(", ", target)}]");
                    if (target[0] == -1) target[0] = input.shape[0];
                    long known = target.Where(d => d > 0).Aggregate(1L, (a, b) => a * b);
                    if (target.All(d => d > 0) ? known != input.numel() : known == 0 || input.numel() % known != 0)
                        throw AcrossRows(node, $"target shape [{string.Join(", ", target)}] for {input.numel()} values");
                    return [input.reshape(target)];
                }
            case "Concat":
                {
                    var inputs = x.Select((t, i) => t ?? X(i)).ToArray();
                    long axis = node.Int("axis", 1);
                    if (axis == 0 || axis < 0 && axis + inputs[0].dim() == 0) throw AcrossRows(node, "axis 0");
                    if (inputs.Any(t => t.shape[0] != inputs[0].shape[0])) throw AcrossRows(node, "inputs of different first dimensions");
                    return [torch.cat(inputs, axis)];
                }
            case "Split":
                {
                    long axis = node.Int("axis", 0);
                    var sizes = node.IntList("split") ?? (x.Length > 1 && x[1] is Tensor s ? s.data<long>().ToArray() : null);
                    return sizes is null ? X(0).chunk(node.Outputs.Count, axis) : X(0).split(sizes, axis);
                }
            case "Identity":
            case "Dropout": return [X(0)]; // ONNX graphs are exported for inference: dropout is the identity there
            case "Constant": return [torch.tensor(node.ConstantValues!, node.ConstantShape!, device: CurrentDevice())];
            case "Softmax":
                {
                    if (node.Int(OnnxNodeSpec.LegacySoftmax, 0) == 0) return [nn.functional.softmax(X(0), node.Int("axis", -1))];
                    var input = X(0);
                    long axis = node.Int("axis", 1);
                    if (axis < 0) axis += input.dim();
                    long outer = input.shape.Take((int)axis).Aggregate(1L, (p, d) => p * d);
                    return [nn.functional.softmax(input.reshape(outer, -1), 1).reshape(input.shape)];
                }
            case "Transpose":
                {
                    var permutation = node.IntList("perm") ?? Enumerable.Range(0, (int)X(0).dim()).Reverse().Select(i => (long)i).ToArray();
                    if (permutation.Length == 0 || permutation[0] != 0) throw AcrossRows(node, $"perm [{string.Join(", ", permutation)}]");
                    return [X(0).permute(permutation)];
                }
            default: throw new NotSupportedException($"ONNX operator '{node.OpType}' (node '{node.Name}') is not supported.");
        }
    }

    /// <summary>An operation that would mix rows: the importer reads the first dimension as the batch of independent rows.</summary>
    private static InvalidDataException AcrossRows(OnnxNodeSpec node, string what) =>
        new($"ONNX node '{node.Name}' ({node.OpType}) works across the first dimension ({what}), which the importer reads as the batch of independent rows.");

    /// <summary>
    /// A matrix product after checking the shapes: libtorch's matmul error escapes TorchSharp 0.107's
    /// native wrapper and aborts the process, so a graph whose shapes do not fit must be refused here.
    /// </summary>
    private static Tensor MatMul(OnnxNodeSpec node, Tensor a, Tensor b)
    {
        long inner = a.shape[^1], rows = b.dim() == 1 ? b.shape[0] : b.shape[^2];
        if (a.dim() < 1 || b.dim() < 1 || inner != rows)
            throw new InvalidDataException($"ONNX node '{node.Name}' ({node.OpType}): shapes [{string.Join(", ", a.shape)}] and [{string.Join(", ", b.shape)}] cannot be multiplied " +
                "(the importer reads the first input's first dimension as the batch of rows).");
        return a.matmul(b);
    }

    private Device CurrentDevice() => parameters().FirstOrDefault()?.device ?? buffers().FirstOrDefault()?.device ?? torch.CPU;

    private static Tensor Convolution(OnnxNodeSpec node, Tensor x, Tensor weight, Tensor? bias)
    {
        var strides = node.IntList("strides") ?? [1, 1];
        var dilations = node.IntList("dilations") ?? [1, 1];
        x = Pad(x, node, 0f);
        return nn.functional.conv2d(x, weight, bias, strides: strides, dilation: dilations, groups: node.Int("group", 1));
    }

    private static Tensor Pool(OnnxNodeSpec node, Tensor x, bool max)
    {
        var kernel = node.IntList("kernel_shape") ?? throw new InvalidDataException($"ONNX node '{node.Name}' ({node.OpType}) has no kernel_shape.");
        var strides = node.IntList("strides") ?? [1, 1];
        bool ceil = node.Int("ceil_mode", 0) != 0;
        if (max)
            return nn.functional.max_pool2d(Pad(x, node, float.NegativeInfinity), kernel, strides, dilation: node.IntList("dilations") ?? [1, 1], ceil_mode: ceil);
        var averages = nn.functional.avg_pool2d(Pad(x, node, 0f), kernel, strides, ceil_mode: ceil);
        if (Pads(node).All(p => p == 0) || node.Int("count_include_pad", 0) != 0) return averages;
        // Padding excluded from the count: sum over the padded input, divided by the number of real cells in each window.
        var sums = averages * (kernel[0] * kernel[1]);
        var ones = Pad(torch.ones([1, 1, x.shape[2], x.shape[3]], device: x.device), node, 0f);
        var counts = nn.functional.avg_pool2d(ones, kernel, strides, ceil_mode: ceil) * (kernel[0] * kernel[1]);
        return sums / counts;
    }

    /// <summary>ONNX pads [top, left, bottom, right] (may be asymmetric), or none; auto_pad SAME_* is refused (the importer rejects it).</summary>
    private static long[] Pads(OnnxNodeSpec node) => node.IntList("pads") ?? [0, 0, 0, 0];

    private static Tensor Pad(Tensor x, OnnxNodeSpec node, float value)
    {
        var pads = Pads(node);
        if (pads.All(p => p == 0)) return x;
        // torch's pad lists the last dimension first: [left, right, top, bottom].
        return nn.functional.pad(x, [pads[1], pads[3], pads[0], pads[2]], PaddingModes.Constant, value);
    }
}
