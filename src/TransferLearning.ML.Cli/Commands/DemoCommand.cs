using System.CommandLine;
using Microsoft.ML;
using Spectre.Console;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Datasets;

namespace TransferLearning.ML.Cli.Commands;

/// <summary>
/// <c>tlml demo</c>: trains a digit classifier on the bundled MNIST subset, evaluates it on held-out
/// digits, saves out/demo/model.zip, reloads it in a fresh MLContext and checks the predictions are identical.
/// </summary>
internal static class DemoCommand
{
    private const int TrainPerClass = 400;

    public static Command Create()
    {
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training digits.", DefaultValueFactory = _ => 6 };
        var network = new Option<string>("--network") { Description = NetworkArgument.Help, DefaultValueFactory = _ => "lenet:1x20x20" };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Where to save the model (its folder is created).",
            DefaultValueFactory = _ => Path.Combine("out", "demo", "model.zip"),
        };
        var seed = new Option<int>("--seed") { Description = "Seeds the split, initialisation and shuffling.", DefaultValueFactory = _ => 0 };
        var command = new Command("demo",
            $"Train a digit classifier on the bundled MNIST subset (OpenCV digits.png: 5000 digits, {TrainPerClass} per class for training, " +
            "the rest held out), evaluate it, save it and reload it.")
        {
            epochs, network, output, seed,
        };
        command.SetAction(r => CommandRunner.Run(() => Run(r.GetValue(epochs), r.GetValue(network)!, r.GetValue(output)!, r.GetValue(seed))));
        return command;
    }

    private static int Run(int epochs, string networkText, string output, int seed)
    {
        var ml = new MLContext(seed);
        var digits = OpenCvDigits.Load();
        var (train, test) = digits.SplitPerClass(TrainPerClass, seed);
        AnsiConsole.MarkupLine($"[bold]OpenCV digits[/]: {train.Count} training and {test.Count} held-out digits of {digits.Width}x{digits.Height} pixels.");

        var options = new NetworkClassifierOptions
        {
            Network = NetworkArgument.Parse(networkText), Epochs = epochs, Seed = seed, LabelColumnName = "LabelKey",
        };
        var trainView = train.ToDataView(ml);
        var model = ConsoleReport.WithProgress("Training", progress =>
        {
            options.Progress = progress;
            return ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label")
                .Append(ml.TransferLearning().NetworkClassifier(options))
                .Fit(trainView);
        });

        var testView = test.ToDataView(ml);
        var scored = model.Transform(testView);
        ConsoleReport.Metrics(ml.MulticlassClassification.Evaluate(scored, labelColumnName: "LabelKey"), digits.ClassNames);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        ml.Model.Save(model, trainView.Schema, output);
        AnsiConsole.MarkupLine($"Saved [bold]{Markup.Escape(output)}[/] ({new FileInfo(output).Length / 1024} KiB).");

        var fresh = new MLContext(); // a plain context: ML.NET finds this package's loader by itself
        var reloaded = fresh.Model.Load(output, out _);
        var before = ReadPredictions(ml, scored);
        var after = ReadPredictions(fresh, reloaded.Transform(test.ToDataView(fresh)));
        int identical = before.Zip(after).Count(p => p.First.Label == p.Second.Label && p.First.Score.SequenceEqual(p.Second.Score));
        var sample = new Table().AddColumns("digit", "predicted", "probability", "after reload");
        foreach (var (b, a) in before.Zip(after).Where((_, i) => i % (test.Count / 10) == 0))
            sample.AddRow(b.Truth, b.Label, $"{b.Score.Max():P1}", $"{a.Label} ({a.Score.Max():P1})");
        AnsiConsole.Write(sample);
        AnsiConsole.MarkupLine(identical == before.Count
            ? $"[green]Reloaded model: all {identical} predictions bit-identical.[/]"
            : $"[red]Reloaded model: only {identical} of {before.Count} predictions identical.[/]");
        return identical == before.Count ? 0 : 1;
    }

    private static List<Prediction> ReadPredictions(MLContext ml, IDataView scored) =>
        ml.Data.CreateEnumerable<Prediction>(
            ml.Transforms.Conversion.MapKeyToValue("PredictedDigit", "PredictedLabel").Fit(scored).Transform(scored), reuseRowObject: false)
        .ToList();

    private sealed class Prediction
    {
        [Microsoft.ML.Data.ColumnName("Label")]
        public string Truth { get; set; } = "";

        [Microsoft.ML.Data.ColumnName("PredictedDigit")]
        public string Label { get; set; } = "";

        public float[] Score { get; set; } = [];
    }
}
