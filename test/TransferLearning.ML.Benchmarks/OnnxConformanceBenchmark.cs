using System.Diagnostics;
using Google.Protobuf;
using Microsoft.ML;
using Microsoft.ML.Data;
using Onnx;
using TransferLearning.ML.Onnx;

namespace TransferLearning.ML.Benchmarks;

/// <summary>
/// ONNX's own per-operator test cases (Debian libonnx-testdata 1.12, node/): every case whose
/// operators the importer runs is imported and scored, and its output compared with the reference
/// output the case ships (ONNX's tolerance: |ours − reference| ≤ 1e-4 + 1e-3·|reference|). The first
/// input is the rows; further inputs (weights, shapes, bounds) become initializers with their test
/// values. Cases with another operator, several outputs, non-float first inputs, or an input that the
/// importer needs as a row of fixed shape are counted as out of scope, with the reason. Needs
/// eng/fetch-datasets.sh first.
/// </summary>
internal static class OnnxConformanceBenchmark
{
    public static void Run()
    {
        var watch = Stopwatch.StartNew();
        string root = Path.Combine(Environment.GetEnvironmentVariable("TLML_DATASETS") ?? ".cache/datasets", "onnx-node-tests");
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"'{root}' is missing: run eng/fetch-datasets.sh first.");
        var outcomes = new List<(string Case, string Operator, string Outcome, string Detail)>();
        var ml = new MLContext(0);
        foreach (var directory in Directory.GetDirectories(root).OrderBy(d => d, StringComparer.Ordinal))
        {
            string name = Path.GetFileName(directory);
            var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(directory, "model.onnx")));
            var ops = model.Graph.Node.Select(n => n.OpType).Distinct().ToArray();
            string op = string.Join("+", ops);
            var unsupported = ops.Where(o => !Torch.Modules.OnnxGraphBlock.Supports(o)).ToArray();
            if (unsupported.Length > 0) { outcomes.Add((name, op, "other operator", string.Join(", ", unsupported))); continue; }
            var data = Path.Combine(directory, "test_data_set_0");
            if (model.Graph.Output.Count != 1) { outcomes.Add((name, op, "out of scope", $"{model.Graph.Output.Count} outputs")); continue; }
            try
            {
                var initializers = model.Graph.Initializer.Select(t => t.Name).ToHashSet();
                var inputs = model.Graph.Input.Where(i => !initializers.Contains(i.Name)).ToArray();
                if (inputs.Length == 0) { outcomes.Add((name, op, "out of scope", "no graph input")); continue; }
                var tensors = inputs.Select((_, i) => TensorProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(data, $"input_{i}.pb")))).ToArray();
                if (tensors[0].DataType != (int)TensorProto.Types.DataType.Float) { outcomes.Add((name, op, "out of scope", "non-float input")); continue; }
                if (tensors[0].Dims.Any(d => d == 0)) { outcomes.Add((name, op, "out of scope", "empty input")); continue; }
                if (tensors[0].Dims.Count < 2) { outcomes.Add((name, op, "out of scope", "input without a batch dimension")); continue; }
                // The first input is the rows; the others become initializers holding their test values.
                for (int i = 1; i < inputs.Length; i++)
                {
                    tensors[i].Name = inputs[i].Name;
                    model.Graph.Initializer.Add(tensors[i]);
                    model.Graph.Input.Remove(inputs[i]);
                }
                var input = inputs[0];
                input.Type.TensorType.Shape.Dim.Clear();
                foreach (long d in tensors[0].Dims) input.Type.TensorType.Shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = d });
                string path = Path.Combine(Path.GetTempPath(), $"tlml-conformance-{name}.onnx");
                File.WriteAllBytes(path, model.ToByteArray());
                var expected = Floats(TensorProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(data, "output_0.pb"))));
                var rows = Floats(tensors[0]);
                int batch = (int)tensors[0].Dims[0], length = rows.Length / batch;
                using var imported = ml.TransferLearning().ImportOnnx(new OnnxImportOptions { ModelPaths = [path] });
                var definition = SchemaDefinition.Create(typeof(Row));
                definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, length);
                var view = ml.Data.LoadFromEnumerable(Enumerable.Range(0, batch).Select(b => new Row { Features = rows.Skip(b * length).Take(length).ToArray() }), definition);
                var actual = imported.Transform(view).GetColumn<float[]>("BackboneFeatures").SelectMany(v => v).ToArray();
                File.Delete(path);
                if (actual.Length != expected.Length) { outcomes.Add((name, op, "failed", $"{actual.Length} values, reference {expected.Length}")); continue; }
                double worst = expected.Zip(actual, (e, a) => Math.Abs(a - e) - (1e-4 + 1e-3 * Math.Abs(e))).Max();
                double largest = expected.Zip(actual, (e, a) => (double)Math.Abs(a - e)).Max();
                outcomes.Add((name, op, worst <= 0 ? "passed" : "failed", $"largest difference {largest:G3}"));
            }
            catch (Exception e) when (e is InvalidDataException or ArgumentException or NotSupportedException or InvalidOperationException or FileNotFoundException
                                          or System.Runtime.InteropServices.ExternalException)
            {
                outcomes.Add((name, op, e is InvalidDataException or NotSupportedException ? "refused" : "failed", e.Message.Split('\n')[0]));
            }
        }

        Console.WriteLine("# ONNX importer conformance: ONNX's per-operator test cases");
        Console.WriteLine();
        Console.WriteLine($"Debian libonnx-testdata 1.12 ({outcomes.Count} node cases). Outcome per case of an operator the importer runs:");
        Console.WriteLine();
        Console.WriteLine("| outcome | cases |");
        Console.WriteLine("|---|---|");
        foreach (var group in outcomes.GroupBy(o => o.Outcome).OrderBy(g => g.Key)) Console.WriteLine($"| {group.Key} | {group.Count()} |");
        Console.WriteLine();
        Console.WriteLine("| case | operators | outcome | detail |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var o in outcomes.Where(o => o.Outcome != "other operator"))
            Console.WriteLine($"| {o.Case} | {o.Operator} | {o.Outcome} | {o.Detail.Replace("|", "\\|")} |");
        Console.WriteLine();
        Console.WriteLine($"Total {watch.Elapsed.TotalSeconds:F0} s.");
    }

    private static float[] Floats(TensorProto tensor) => tensor.RawData.Length > 0
        ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray()
        : tensor.FloatData.ToArray();

    private sealed class Row
    {
        public float[] Features { get; set; } = [];
    }
}
