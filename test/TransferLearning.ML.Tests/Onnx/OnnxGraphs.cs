using Google.Protobuf;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Onnx;

namespace TransferLearning.ML.Tests.Onnx;

/// <summary>Small ONNX graphs written with OnnxSharp's protobuf classes, and ONNX Runtime's outputs on them: the importer's reference.</summary>
internal static class OnnxGraphs
{
    /// <summary>A model of one graph from input "X" of <paramref name="inputShape"/> to output "Y".</summary>
    public static ModelProto Model(long opset, long[] inputShape, IEnumerable<NodeProto> nodes, params TensorProto[] initializers)
    {
        var graph = new GraphProto { Name = "test" };
        graph.Input.Add(new ValueInfoProto { Name = "X", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1, Shape = Shape([1, .. inputShape.Skip(1)]) } } }); // batch 1, as exporters often fix it
        graph.Output.Add(new ValueInfoProto { Name = "Y", Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = 1 } } });
        graph.Node.AddRange(nodes);
        graph.Initializer.AddRange(initializers);
        var model = new ModelProto { IrVersion = 7, ProducerName = "TransferLearning.ML tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model;
    }

    /// <summary>A node; attributes are ints, int lists, floats or a tensor (for Constant).</summary>
    public static NodeProto Node(string opType, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{opType.ToLowerInvariant()}_{outputs[0]}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        foreach (var (name, value) in attributes)
        {
            var attribute = new AttributeProto { Name = name };
            switch (value)
            {
                case long i: attribute.Type = AttributeProto.Types.AttributeType.Int; attribute.I = i; break;
                case long[] ints: attribute.Type = AttributeProto.Types.AttributeType.Ints; attribute.Ints.AddRange(ints); break;
                case float f: attribute.Type = AttributeProto.Types.AttributeType.Float; attribute.F = f; break;
                case TensorProto t: attribute.Type = AttributeProto.Types.AttributeType.Tensor; attribute.T = t; break;
                default: throw new ArgumentException($"Attribute {name}: {value.GetType().Name}");
            }
            node.Attribute.Add(attribute);
        }
        return node;
    }

    /// <summary>A float tensor of random values in [-1, 1) (or <paramref name="values"/>).</summary>
    public static TensorProto Floats(string name, long[] shape, Random random, float[]? values = null, float offset = 0)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(shape);
        tensor.FloatData.AddRange(values ?? Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(_ => (float)(random.NextDouble() * 2 - 1) + offset));
        return tensor;
    }

    /// <summary>An int64 tensor (e.g. a Reshape's shape), stored as raw little-endian bytes as exporters write it.</summary>
    public static TensorProto Int64s(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64, RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan())) };
        tensor.Dims.Add(values.Length);
        return tensor;
    }

    /// <summary>Writes <paramref name="model"/> to a temporary .onnx file.</summary>
    public static string Save(ModelProto model)
    {
        string path = TestData.TempFile(".onnx");
        File.WriteAllBytes(path, model.ToByteArray());
        return path;
    }

    /// <summary>ONNX Runtime's output for each row of <paramref name="rows"/>, one row at a time (graphs may fix their batch size at 1), flattened.</summary>
    public static float[][] Reference(string path, long[] inputShape, float[][] rows)
    {
        using var session = new InferenceSession(path);
        var rowShape = new[] { 1 }.Concat(inputShape.Skip(1).Select(d => (int)d)).ToArray();
        return rows.Select(row =>
        {
            using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.First(), new DenseTensor<float>(row, rowShape))]);
            return results.First().AsEnumerable<float>().ToArray();
        }).ToArray();
    }

    /// <summary>The rows as an IDataView with a "Features" vector column of their length.</summary>
    public static IDataView Rows(MLContext ml, float[][] rows)
    {
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, rows[0].Length);
        return ml.Data.LoadFromEnumerable(rows.Select(r => new Row { Features = r }), definition);
    }

    /// <summary>The largest absolute difference, relative to the reference's largest magnitude (at least 1).</summary>
    public static double RelativeDifference(float[][] reference, float[][] actual)
    {
        double scale = Math.Max(1, reference.SelectMany(r => r).Max(v => Math.Abs(v)));
        return reference.Zip(actual).SelectMany(p => p.First.Zip(p.Second, (a, b) => Math.Abs(a - b))).Max() / scale;
    }

    private static TensorShapeProto Shape(long[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (long d in dims) shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
        return shape;
    }

    private sealed class Row
    {
        public float[] Features { get; set; } = [];
    }
}
