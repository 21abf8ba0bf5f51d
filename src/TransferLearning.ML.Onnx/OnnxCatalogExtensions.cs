using Google.Protobuf;
using TorchSharp;
using TransferLearning.ML.FineTuning;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Onnx;

/// <summary>ONNX import on <c>mlContext.TransferLearning()</c>.</summary>
public static class OnnxCatalogExtensions
{
    /// <summary>
    /// Imports an ONNX network (or a chain of graphs) as a trainable TorchSharp network: a
    /// <see cref="NetworkTransformer"/> whose output column is the graph's output, flattened, and
    /// whose trunk layers are the graph cut where a single tensor is live (for a ResNet: the stem and
    /// one layer per residual block), so that <c>LayerTransfer</c> / <c>FineTune</c> can copy, freeze
    /// and fine-tune them. The weights become parameters (batch-norm statistics and constants,
    /// buffers); it saves with <c>mlContext.Model.Save</c> and loads with a plain <c>Model.Load</c>.
    /// </summary>
    /// <remarks>
    /// Operators: Conv (2-d, groups, dilations, asymmetric pads), BatchNormalization, Relu, LeakyRelu,
    /// Sigmoid, Tanh, Clip (Relu6), Add, Sub, Mul, Div, MaxPool, AveragePool, GlobalAveragePool,
    /// GlobalMaxPool, Gemm, MatMul, Flatten, Reshape, Concat, Split, Identity, Dropout (identity),
    /// Constant, Softmax, Transpose — enough for ResNets and MobileNet-style graphs. Any other
    /// operator is refused with its node's name. Parsing uses OnnxSharp's protobuf classes.
    /// </remarks>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is not ONNX, or uses an operator or attribute this importer cannot run (the message names the node).</exception>
    public static NetworkTransformer ImportOnnx(this TransferLearningCatalog catalog, OnnxImportOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var graph = OnnxGraphReader.Read(options.ModelPaths);
        var layers = Layers(graph);
        int featureLength = graph.InputShape.Aggregate(1, (a, b) => checked(a * b));
        var spec = new ModelSpec { Trunk = new NetworkSpec { InputShape = graph.InputShape, Layers = layers } };
        var network = new Network(spec, featureLength);
        using (torch.no_grad())
        {
            var state = network.state_dict();
            for (int i = 0; i < layers.Length; i++)
                foreach (var tensor in layers[i].Tensors)
                {
                    var (shape, values) = graph.Weights[tensor.Name];
                    state[$"body.{Network.BlockName(i)}.{OnnxGraphBlock.Key(tensor)}"].copy_(torch.tensor(values, shape));
                }
        }
        network.eval();
        return new NetworkTransformer(SourceNetwork.ImportedNetworkMethod, network, options.Device, new ModelInput(options.InputColumnName, "Feature"),
            [new OutputColumnSpec(options.OutputColumnName, ModelSpec.FeaturesOutput, OutputColumnKind.Vector)], null, null);
    }

    /// <summary>
    /// Writes <paramref name="model"/> (a trained classifier, transferred, adapted or imported
    /// network) to <paramref name="path"/> as an ONNX model (opset 11), for ONNX Runtime or any ONNX
    /// server. Input <c>input</c>: float [batch, row length], the transformer's input column(s);
    /// one output per column of the transformer, under its name — class scores as float [batch,
    /// classes], PredictedLabel as int64 [batch] holding the 0-based class index (ML.NET's key is
    /// index + 1), vectors as float; class names in the metadata (<c>classes.{column}</c>). The ML.NET
    /// steps before the network in a pipeline (Concatenate, normalisation, image loading) are not
    /// part of it: an app applies them before calling ONNX Runtime.
    /// </summary>
    /// <exception cref="NotSupportedException">The network has a part the exporter cannot write yet (named): custom layers, progressive columns, task encoders, heads other than classifier, regression and embedding.</exception>
    public static void ExportOnnx(this TransferLearningCatalog catalog, NetworkTransformer model, string path)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var onnx = OnnxExport.Build(model);
        using var file = File.Create(path);
        onnx.WriteTo(file);
    }

    /// <summary>The layer specs, their shapes recorded by running each layer once on zeros with the real weights.</summary>
    private static OnnxGraphLayerSpec[] Layers(ReadGraph graph)
    {
        var pieces = OnnxGraphReader.CutIntoLayers(graph);
        var layers = new OnnxGraphLayerSpec[pieces.Count];
        var shape = graph.InputShape;
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        for (int i = 0; i < pieces.Count; i++)
        {
            var (nodes, input, output) = pieces[i];
            var used = nodes.SelectMany(n => n.Inputs.Select((t, k) => (Tensor: t, Node: n, Index: k)))
                .Where(u => graph.Weights.ContainsKey(u.Tensor)).ToArray();
            var tensors = used.GroupBy(u => u.Tensor).Select(g => new OnnxTensorSpec(g.Key, graph.Weights[g.Key].Shape, g.All(u => Trainable(u.Node.OpType, u.Index)))).ToArray();
            var draft = new OnnxGraphLayerSpec { Input = input, Output = output, InputShape = shape, ResultShape = shape, Nodes = nodes, Tensors = tensors };
            using var block = new OnnxGraphBlock(draft);
            foreach (var (name, value) in block.state_dict())
            {
                var tensor = tensors.First(t => OnnxGraphBlock.Key(t) == name);
                value.copy_(torch.tensor(graph.Weights[tensor.Name].Values, tensor.Shape));
            }
            block.eval();
            var result = block.forward(torch.zeros([1, .. shape.Select(d => (long)d)]));
            var resultShape = result.shape.Skip(1).Select(d => checked((int)d)).ToArray();
            layers[i] = new OnnxGraphLayerSpec { Input = input, Output = output, InputShape = shape, ResultShape = resultShape, Nodes = nodes, Tensors = tensors };
            shape = resultShape;
        }
        return layers;
    }

    /// <summary>Weights that training changes: convolution and dense weights and biases, batch-norm scale and shift (not its running statistics).</summary>
    private static bool Trainable(string opType, int input) => opType switch
    {
        "Conv" or "Gemm" => input is 1 or 2,
        "MatMul" => input == 1,
        "BatchNormalization" => input is 1 or 2,
        _ => false,
    };
}
