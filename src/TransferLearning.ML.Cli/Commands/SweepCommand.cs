using System.CommandLine;
using System.Globalization;
using Microsoft.ML;
using Spectre.Console;
using TransferLearning.ML.FineTuning;
using TransferLearning.ML.Plotting;

namespace TransferLearning.ML.Cli.Commands;

/// <summary>
/// <c>tlml sweep</c>: the layer-transferability sweep of Yosinski et al. 2014 from files: for
/// N = 0..L copied blocks, frozen and fine-tuned, a target model trained on --data and measured on
/// --test (or a held-out share of --data); prints the table and writes the plot and a CSV.
/// </summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var source = new Option<FileInfo>("--source", "-s") { Description = "The source model.", Required = true };
        var data = new DataArguments("Target");
        var training = new TrainingArguments(new LayerTransferOptions());
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated seeds; one run per seed and point.", DefaultValueFactory = _ => "0" };
        var plot = new Option<string>("--plot") { Description = "Plot file (.png or .svg).", DefaultValueFactory = _ => "transferability.png" };
        var table = new Option<string?>("--table") { Description = "Also write the table as CSV." };
        var title = new Option<string?>("--title") { Description = "Plot title." };
        var command = new Command("sweep", "How transferable is each layer: accuracy after copying N = 0..L blocks, frozen and fine-tuned (Yosinski et al. 2014).")
        {
            source, seeds, plot, table, title,
        };
        data.AddTo(command);
        training.AddTo(command);
        command.SetAction(r => CommandRunner.Run(() =>
        {
            var options = training.Apply(r, new LayerTransferOptions { LabelColumnName = ModelOutput.LabelKeyColumn });
            var seedList = r.GetValue(seeds)!.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            var ml = new MLContext(options.Seed).RegisterTransferLearning();
            var (sourceModel, keyedTrain, keyedTest) = SourceModel.LoadWithTarget(r, ml, r.GetValue(source)!.FullName, data, options.Seed);
            options.FeatureColumnName = sourceModel.Classifier.InputColumnName;
            var result = ml.TransferLearning().TransferabilitySweep(sourceModel.Model, ml.Data.Cache(sourceModel.Prepare(keyedTrain)),
                ml.Data.Cache(sourceModel.Prepare(keyedTest)), options, seedList);
            AnsiConsole.WriteLine(result.ToMarkdown());
            TransferabilityPlot.Save(result, r.GetValue(plot)!, r.GetValue(title));
            AnsiConsole.MarkupLine($"Wrote [bold]{Markup.Escape(r.GetValue(plot)!)}[/].");
            if (r.GetValue(table) is string csv) File.WriteAllText(csv, result.ToCsv());
            return 0;
        }));
        return command;
    }
}
