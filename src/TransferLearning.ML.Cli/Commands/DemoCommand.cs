using System.CommandLine;
using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Datasets;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Cli.Commands;

/// <summary>
/// <c>tlml demo</c>: the package's job on its bundled data. A source network learns the clean
/// OpenCV digits; the target is the same digits blurred and noisy (<see cref="DegradedImages"/>)
/// with only a few labels per class. Side by side on held-out target digits: the source model as it
/// is, a network trained on the target labels alone, fine-tuning, and layer transfer (copied layers
/// frozen, new head). The transferred model is saved to out/demo/model.zip and reloaded in a fresh
/// MLContext, whose predictions must be bit-identical.
/// </summary>
internal static class DemoCommand
{
    private const int SourcePerClass = 400;

    public static Command Create()
    {
        var labels = new Option<int>("--labels-per-class") { Description = "Labelled target digits per class.", DefaultValueFactory = _ => 3 };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the source digits.", DefaultValueFactory = _ => 4 };
        var targetEpochs = new Option<int>("--target-epochs") { Description = "Passes over the few labelled target digits.", DefaultValueFactory = _ => 30 };
        var network = new Option<string>("--network") { Description = NetworkArgument.Help, DefaultValueFactory = _ => "lenet:1x20x20" };
        var output = new Option<string>("--output", "-o")
        {
            Description = "Where to save the transferred model (its folder is created).",
            DefaultValueFactory = _ => Path.Combine("out", "demo", "model.zip"),
        };
        var seed = new Option<int>("--seed") { Description = "Seeds the split, initialisation and shuffling.", DefaultValueFactory = _ => 0 };
        var command = new Command("demo",
            "Transfer learning on the bundled digits, no download: a network trained on clean digits is transferred to blurred, noisy " +
            "digits with a few labels per class, against training on those labels alone; the result is saved and reloaded.")
        {
            labels, epochs, targetEpochs, network, output, seed,
        };
        command.SetAction(r => CommandRunner.Run(() =>
        {
            if (r.GetValue(labels) < 1) throw new ArgumentException($"--labels-per-class must be at least 1, was {r.GetValue(labels)}.");
            return Run(r.GetValue(labels), r.GetValue(epochs), r.GetValue(targetEpochs), r.GetValue(network)!, r.GetValue(output)!, r.GetValue(seed));
        }));
        return command;
    }

    private static int Run(int labelsPerClass, int epochs, int targetEpochs, string networkText, string output, int seed)
    {
        var watch = Stopwatch.StartNew();
        var ml = new MLContext(seed);
        var spec = NetworkArgument.Parse(networkText);
        var digits = OpenCvDigits.Load();
        var (sourceTrain, sourceTest) = digits.SplitPerClass(SourcePerClass, seed);
        var target = DegradedImages.BlurredAndNoisy(digits, seed: seed + 7);
        var (targetPool, targetTest) = target.SplitPerClass(SourcePerClass, seed); // the same split: target test digits are unseen by both
        var targetTrain = targetPool.SplitPerClass(labelsPerClass, seed + 1).Selected;
        AnsiConsole.MarkupLine($"[bold]Source[/]: {sourceTrain.Count} clean OpenCV digits ({digits.Width}x{digits.Height}). " +
            $"[bold]Target[/]: the same kind of digits blurred (8x8 and back) and noisy, [bold]{targetTrain.Count} labelled[/] " +
            $"({labelsPerClass} per class), {targetTest.Count} held out.");

        IDataView Keyed(ImageDataset data) => ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Fit(data.ToDataView(ml)).Transform(data.ToDataView(ml));
        var targetTrainView = Keyed(targetTrain);
        var targetTestView = Keyed(targetTest);
        double Accuracy(ITransformer model, IDataView rows) => ml.MulticlassClassification.Evaluate(model.Transform(rows)).MicroAccuracy;
        T Train<T>(string title, Func<IProgress<TrainingProgress>, T> train) => ConsoleReport.WithProgress(title, train);

        using var source = Train("Source network (clean digits)", p => ml.TransferLearning().NetworkClassifier(new NetworkClassifierOptions
        {
            Network = spec, Epochs = epochs, Seed = seed, Progress = p,
        }).Fit(Keyed(sourceTrain)));
        using var scratch = Train("Target only (few labels)", p => ml.TransferLearning().NetworkClassifier(new NetworkClassifierOptions
        {
            Network = spec, Epochs = targetEpochs, Seed = seed, Progress = p,
        }).Fit(targetTrainView));
        using var fineTuned = Train("Fine-tuning", p => ml.TransferLearning().LayerTransfer(source, new FineTuning.LayerTransferOptions
        {
            FreezeCopiedLayers = false, Epochs = targetEpochs, Seed = seed, Progress = p,
        }).Fit(targetTrainView));
        using var transferred = Train("Layer transfer", p => ml.TransferLearning().LayerTransfer(source, new FineTuning.LayerTransferOptions
        {
            Epochs = targetEpochs, Seed = seed, Progress = p,
        }).Fit(targetTrainView));

        var table = new Table().AddColumns("model", "clean digits (source test)", "blurred, noisy digits (target test)");
        table.AddRow("source network, used as it is", $"{Accuracy(source, Keyed(sourceTest)):P1}", $"{Accuracy(source, targetTestView):P1}");
        table.AddRow($"target only: {targetTrain.Count} labelled target digits", "", $"{Accuracy(scratch, targetTestView):P1}");
        table.AddRow("fine-tuning the source network", "", $"{Accuracy(fineTuned, targetTestView):P1}");
        table.AddRow("[bold]layer transfer[/] (copied layers frozen, new head)", "", $"[bold]{Accuracy(transferred, targetTestView):P1}[/]");
        AnsiConsole.Write(table);

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
        ml.Model.Save(transferred, targetTrainView.Schema, output);
        AnsiConsole.MarkupLine($"Saved the layer-transfer model to [bold]{Markup.Escape(output)}[/] ({new FileInfo(output).Length / 1024} KiB).");

        var fresh = new MLContext(); // a plain context: ML.NET finds this package's loader by itself
        var reloaded = fresh.Model.Load(output, out _);
        var before = Scores(ml, transferred.Transform(targetTestView));
        var after = Scores(fresh, reloaded.Transform(targetTestView));
        int identical = before.Zip(after).Count(p => p.First.SequenceEqual(p.Second));
        AnsiConsole.MarkupLine(identical == before.Count
            ? $"[green]Reloaded in a fresh MLContext: all {identical} predictions bit-identical.[/] ({watch.Elapsed.TotalSeconds:F0} s)"
            : $"[red]Reloaded model: only {identical} of {before.Count} predictions identical.[/]");
        return identical == before.Count ? 0 : 1;
    }

    private static List<float[]> Scores(MLContext ml, IDataView scored) =>
        scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToList();
}
