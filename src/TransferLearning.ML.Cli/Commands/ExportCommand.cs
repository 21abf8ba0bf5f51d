using System.CommandLine;
using Microsoft.ML;
using Spectre.Console;
using TransferLearning.ML.Onnx;

namespace TransferLearning.ML.Cli.Commands;

/// <summary><c>tlml export</c>: the network of a saved model as an ONNX file, for ONNX Runtime or any ONNX server.</summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var modelPath = new Option<FileInfo>("--model", "-m") { Description = "A model saved by tlml or mlContext.Model.Save.", Required = true };
        var onnx = new Option<string>("--onnx") { Description = "The ONNX file to write.", DefaultValueFactory = _ => "model.onnx" };
        var command = new Command("export", "Write the network of a saved model as ONNX (opset 11): input 'input' float [batch, row length], one output per model column.")
        {
            modelPath, onnx,
        };
        command.SetAction(r => CommandRunner.Run(() =>
        {
            string path = r.GetValue(modelPath)!.FullName;
            if (!File.Exists(path)) throw new FileNotFoundException($"Model '{path}' does not exist.", path);
            var ml = new MLContext();
            var model = ml.Model.Load(path, out _);
            var parts = ModelParts.Flatten(model).ToArray();
            var network = parts.OfType<NetworkTransformer>().LastOrDefault()
                ?? throw new InvalidDataException($"'{path}' holds no TransferLearning.ML network to export.");
            ml.TransferLearning().ExportOnnx(network, r.GetValue(onnx)!);
            AnsiConsole.MarkupLine($"Wrote [bold]{Markup.Escape(r.GetValue(onnx)!)}[/]: input 'input' = the network's input column(s) " +
                $"({network.InputLength} floats per row); outputs {Markup.Escape(string.Join(", ", network.OutputColumns.Select(c => c.Name)))} " +
                "(PredictedLabel as the 0-based class index; class names in the metadata).");
            var before = parts.TakeWhile(p => !ReferenceEquals(p, network)).Select(p => p.GetType().Name).ToArray();
            if (before.Length > 0)
                AnsiConsole.MarkupLine($"[yellow]Not in the ONNX file[/]: the ML.NET steps before the network ({Markup.Escape(string.Join(", ", before))}); apply them to the input first.");
            return 0;
        }));
        return command;
    }
}
