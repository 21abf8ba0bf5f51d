using System.CommandLine;
using System.Text.Json;
using Microsoft.ML;
using Spectre.Console;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Cli.Commands;

/// <summary>
/// <c>tlml train</c>: a CSV with a label column and numeric feature columns in; a network classifier
/// trained on it, its metrics on held-out rows, and model.zip out. The saved model takes the
/// feature columns by name and adds PredictedClass (the label's value), PredictedLabel and Score.
/// </summary>
internal static class TrainCommand
{
    public const string PredictedClassColumn = "PredictedClass";

    public static Command Create()
    {
        var data = new Option<FileInfo>("--data", "-d") { Description = "Training CSV with a header row.", Required = true };
        var label = new Option<string>("--label", "-l") { Description = "The label column.", DefaultValueFactory = _ => "Label" };
        var features = new Option<string[]>("--features") { Description = "Feature columns (default: every column but the label).", AllowMultipleArgumentsPerToken = true };
        var test = new Option<FileInfo?>("--test") { Description = "Test CSV; default: hold out --test-fraction of --data." };
        var testFraction = new Option<double>("--test-fraction") { Description = "Share of --data held out for testing when --test is absent.", DefaultValueFactory = _ => 0.2 };
        var network = new Option<string>("--network") { Description = NetworkArgument.Help, DefaultValueFactory = _ => "mlp:128" };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training rows.", DefaultValueFactory = _ => TrainingDefaults.Epochs };
        var batchSize = new Option<int>("--batch-size") { Description = "Rows per step.", DefaultValueFactory = _ => TrainingDefaults.BatchSize };
        var learningRate = new Option<double>("--learning-rate") { Description = "Base learning rate.", DefaultValueFactory = _ => TrainingDefaults.LearningRate };
        var optimizer = new Option<OptimizerKind>("--optimizer") { Description = "Adam or Sgd.", DefaultValueFactory = _ => OptimizerKind.Adam };
        var validation = new Option<double>("--validation-fraction") { Description = "Share of training rows for validation and early stopping.", DefaultValueFactory = _ => 0 };
        var patience = new Option<int>("--patience") { Description = "Early-stopping patience in epochs (0 = off).", DefaultValueFactory = _ => 0 };
        var normalize = new Option<bool>("--normalize") { Description = "Min-max normalise the features first.", DefaultValueFactory = _ => true };
        var seed = new Option<int>("--seed") { Description = "Seeds the split, initialisation and shuffling.", DefaultValueFactory = _ => 0 };
        var device = new Option<DeviceKind>("--device") { Description = "Auto, Cpu or Cuda.", DefaultValueFactory = _ => DeviceKind.Auto };
        var output = new Option<string>("--output", "-o") { Description = "Where to save the model.", DefaultValueFactory = _ => "model.zip" };
        var metrics = new Option<string?>("--metrics") { Description = "Also write the test metrics to this JSON file." };
        var command = new Command("train", "Train a network classifier on a CSV file and save it as an ML.NET model.")
        {
            data, label, features, test, testFraction, network, epochs, batchSize, learningRate, optimizer, validation, patience,
            normalize, seed, device, output, metrics,
        };
        command.SetAction(r => CommandRunner.Run(() =>
        {
            var options = new NetworkClassifierOptions
            {
                Network = NetworkArgument.Parse(r.GetValue(network)!),
                Epochs = r.GetValue(epochs),
                BatchSize = r.GetValue(batchSize),
                LearningRate = r.GetValue(learningRate),
                Optimizer = r.GetValue(optimizer),
                ValidationFraction = r.GetValue(validation),
                EarlyStoppingPatience = r.GetValue(patience),
                Seed = r.GetValue(seed),
                Device = r.GetValue(device),
            };
            return Run(r.GetValue(data)!.FullName, r.GetValue(label)!, r.GetValue(features), r.GetValue(test)?.FullName,
                r.GetValue(testFraction), r.GetValue(normalize), options, r.GetValue(output)!, r.GetValue(metrics));
        }));
        return command;
    }

    private static int Run(string dataPath, string label, string[]? featureNames, string? testPath, double testFraction, bool normalize,
        NetworkClassifierOptions options, string output, string? metricsPath)
    {
        var ml = new MLContext(options.Seed);
        var (all, featureColumns) = CsvData.LoadLabelled(ml, dataPath, label, featureNames);
        IDataView train = all, test;
        if (testPath is not null) test = CsvData.LoadLabelled(ml, testPath, label, featureColumns).Data;
        else
        {
            var split = ml.Data.TrainTestSplit(all, testFraction, seed: options.Seed);
            (train, test) = (split.TrainSet, split.TestSet);
        }

        // The label map is fitted apart from the saved model, so that the model scores files without a label column.
        options.LabelColumnName = "LabelKey";
        var labelMap = ml.Transforms.Conversion.MapValueToKey("LabelKey", label).Fit(train);
        var keyedTrain = labelMap.Transform(train);
        var model = ConsoleReport.WithProgress("Training", progress =>
        {
            options.Progress = progress;
            IEstimator<ITransformer> features = ml.Transforms.Concatenate("Features", featureColumns);
            if (normalize) features = features.Append(ml.Transforms.NormalizeMinMax("Features"));
            return features
                .Append(ml.TransferLearning().NetworkClassifier(options))
                .Append(ml.Transforms.Conversion.MapKeyToValue(PredictedClassColumn, "PredictedLabel"))
                .Fit(keyedTrain);
        });

        var scored = model.Transform(labelMap.Transform(test));
        var result = ml.MulticlassClassification.Evaluate(scored, labelColumnName: "LabelKey");
        var classifier = model.OfType<NetworkClassifierTransformer>().Single();
        ConsoleReport.Metrics(result, classifier.ClassNames ?? []);
        ml.Model.Save(model, keyedTrain.Schema, output);
        AnsiConsole.MarkupLine($"Saved [bold]{Markup.Escape(output)}[/].");
        if (metricsPath is not null)
        {
            var json = new
            {
                microAccuracy = result.MicroAccuracy,
                macroAccuracy = result.MacroAccuracy,
                logLoss = result.LogLoss,
                classes = classifier.ClassNames,
                perClassPrecision = result.ConfusionMatrix.PerClassPrecision,
                perClassRecall = result.ConfusionMatrix.PerClassRecall,
                epochs = classifier.TrainingReport?.Epochs.Select(e => new { e.Epoch, e.Loss, e.ValidationLoss, e.ValidationAccuracy }),
                selectedEpoch = classifier.TrainingReport?.SelectedEpoch,
            };
            File.WriteAllText(metricsPath, JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
        }
        return 0;
    }
}
