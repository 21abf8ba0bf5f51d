using System.CommandLine;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;
using TransferLearning.ML.MultiTask;

namespace TransferLearning.ML.Cli.Commands;

/// <summary>
/// <c>tlml multitask</c>: a CSV with several label columns (an empty cell is a missing label) and
/// numeric feature columns in; one network with a head per task trained on them, each task's test
/// metrics, and a model that writes Score.{label}, PredictedLabel.{label} and PredictedClass.{label}.
/// </summary>
internal static class MultiTaskCommand
{
    public static Command Create()
    {
        var data = new Option<FileInfo>("--data", "-d") { Description = "Training CSV with a header row.", Required = true };
        var labels = new Option<string[]>("--labels") { Description = "The label columns, one per task (text; an empty cell is a missing label).", Required = true, AllowMultipleArgumentsPerToken = true };
        var test = new Option<FileInfo?>("--test") { Description = "Test CSV; default: hold out --test-fraction of --data." };
        var testFraction = new Option<double>("--test-fraction") { Description = "Share of --data held out when --test is absent.", DefaultValueFactory = _ => 0.2 };
        var features = new Option<string[]>("--features") { Description = "Feature columns (default: every column but the labels).", AllowMultipleArgumentsPerToken = true };
        var network = new Option<string>("--network") { Description = "The shared layers. " + NetworkArgument.Help, DefaultValueFactory = _ => "mlp:128" };
        var uncertainty = new Option<bool>("--uncertainty-weighting") { Description = "Learn the task weights (Kendall et al. 2018) instead of weighing every task 1." };
        var training = new TrainingArguments(new MultiTaskOptions());
        var output = new Option<string>("--output", "-o") { Description = "Where to save the model.", DefaultValueFactory = _ => "model.zip" };
        var command = new Command("multitask", "Train one network with a head per label column (multitask learning) on a CSV file.")
        {
            data, labels, test, testFraction, features, network, uncertainty, output,
        };
        training.AddTo(command);
        command.SetAction(r => CommandRunner.Run(() =>
        {
            var labelNames = r.GetValue(labels)!.SelectMany(l => l.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToArray();
            var options = training.Apply(r, new MultiTaskOptions
            {
                LabelColumnNames = labelNames,
                Network = NetworkArgument.Parse(r.GetValue(network)!),
                UncertaintyWeighting = r.GetValue(uncertainty),
            });
            var ml = new MLContext(options.Seed);
            var (all, featureColumns) = Load(ml, r.GetValue(data)!.FullName, labelNames, r.GetValue(features));
            var (train, testRows) = r.GetValue(test) is FileInfo file
                ? (all, Load(ml, file.FullName, labelNames, featureColumns).Data)
                : SplitOf(ml.Data.TrainTestSplit(all, r.GetValue(testFraction), seed: options.Seed));
            // The label maps are fitted apart from the saved model, so that it scores files without label columns.
            var labelMap = labelNames.Select(l => ml.Transforms.Conversion.MapValueToKey(l)).Aggregate((IEstimator<ITransformer>)new EstimatorChain<ITransformer>(),
                (chain, e) => chain.Append(e)).Fit(train);
            var keyedTrain = labelMap.Transform(train);
            var model = ConsoleReport.WithProgress("Multitask", progress =>
            {
                options.Progress = progress;
                IEstimator<ITransformer> pipeline = ml.Transforms.Concatenate(options.FeatureColumnName, featureColumns)
                    .Append(ml.Transforms.NormalizeMinMax(options.FeatureColumnName))
                    .Append(ml.TransferLearning().MultiTask(options));
                foreach (var label in labelNames)
                    pipeline = pipeline.Append(ml.Transforms.Conversion.MapKeyToValue($"{ModelOutput.PredictedClassColumn}.{label}", options.PredictedLabelColumnName(label)));
                return pipeline.Fit(keyedTrain);
            });
            string path = r.GetValue(output)!;
            ml.Model.Save(model, keyedTrain.Schema, path);
            AnsiConsole.MarkupLine($"Saved [bold]{Markup.Escape(path)}[/].");
            var scored = model.Transform(labelMap.Transform(testRows));
            var table = new Table().AddColumns("task", "test rows with a label", "accuracy", "macro accuracy", "log-loss");
            foreach (var label in labelNames)
            {
                var labelled = ml.Data.FilterRowsByMissingValues(scored, label);
                var metrics = ml.MulticlassClassification.Evaluate(labelled, label, options.ScoreColumnName(label), options.PredictedLabelColumnName(label));
                table.AddRow(Markup.Escape(label), labelled.GetColumn<uint>(label).Count().ToString(System.Globalization.CultureInfo.InvariantCulture),
                    $"{metrics.MicroAccuracy:P2}", $"{metrics.MacroAccuracy:P2}", $"{metrics.LogLoss:F4}");
            }
            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }

    private static (IDataView Train, IDataView Test) SplitOf(DataOperationsCatalog.TrainTestData split) => (split.TrainSet, split.TestSet);

    /// <summary>The label columns as text, every other (or each named) column as a Single feature.</summary>
    private static (IDataView Data, string[] Features) Load(MLContext ml, string path, string[] labels, IReadOnlyList<string>? features)
    {
        var header = CsvData.Header(path);
        var labelIndices = labels.Select(l => CsvData.Find(header, l, "Label", "--labels", path)).ToArray();
        var featureIndices = features is { Count: > 0 }
            ? features.Select(f => CsvData.Find(header, f, "Feature", "--features", path)).ToArray()
            : Enumerable.Range(0, header.Length).Where(i => !labelIndices.Contains(i)).ToArray();
        var featureColumns = featureIndices.Select(i => header[i]).ToArray();
        var columns = labels.Select((l, k) => new TextLoader.Column(l, DataKind.String, labelIndices[k]))
            .Concat(featureIndices.Select(i => new TextLoader.Column(header[i], DataKind.Single, i))).ToArray();
        return (ml.Data.LoadFromTextFile(path, columns, separatorChar: ',', hasHeader: true), featureColumns);
    }
}
