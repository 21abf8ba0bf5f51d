using System.CommandLine;
using Microsoft.ML;
using TransferLearning.ML.Classification;

namespace TransferLearning.ML.Cli.Commands;

/// <summary>
/// <c>tlml train</c>: a CSV with a label column and numeric feature columns in; a network classifier
/// trained on it, its metrics on held-out rows, and model.zip out. The saved model takes the
/// feature columns by name and adds PredictedClass (the label's value), PredictedLabel and Score.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = new DataArguments("Training");
        var training = new TrainingArguments(new NetworkClassifierOptions());
        var output = new ModelOutput();
        var features = new Option<string[]>("--features") { Description = "Feature columns (default: every column but the label).", AllowMultipleArgumentsPerToken = true };
        var network = new Option<string>("--network") { Description = NetworkArgument.Help, DefaultValueFactory = _ => "mlp:128" };
        var normalize = new Option<bool>("--normalize") { Description = "Min-max normalise the features first.", DefaultValueFactory = _ => true };
        var command = new Command("train", "Train a network classifier on a CSV file and save it as an ML.NET model.") { features, network, normalize };
        data.AddTo(command);
        training.AddTo(command);
        output.AddTo(command);
        command.SetAction(r => CommandRunner.Run(() =>
        {
            var options = training.Apply(r, new NetworkClassifierOptions
            {
                Network = NetworkArgument.Parse(r.GetValue(network)!),
                LabelColumnName = ModelOutput.LabelKeyColumn,
            });
            var ml = new MLContext(options.Seed);
            string label = data.Label(r);
            string[] featureColumns = [];
            var (train, test) = data.Load(r, ml, options.Seed, path =>
            {
                var (view, columns) = CsvData.LoadLabelled(ml, path, label, featureColumns.Length > 0 ? featureColumns : r.GetValue(features));
                featureColumns = columns;
                return view;
            });

            // The label map is fitted apart from the saved model, so that the model scores files without a label column.
            var labelMap = ml.Transforms.Conversion.MapValueToKey(ModelOutput.LabelKeyColumn, label).Fit(train);
            var keyedTrain = labelMap.Transform(train);
            var model = ConsoleReport.WithProgress("Training", progress =>
            {
                options.Progress = progress;
                IEstimator<ITransformer> pipeline = ml.Transforms.Concatenate(options.FeatureColumnName, featureColumns);
                if (r.GetValue(normalize)) pipeline = pipeline.Append(ml.Transforms.NormalizeMinMax(options.FeatureColumnName));
                return pipeline
                    .Append(ml.TransferLearning().NetworkClassifier(options))
                    .Append(ml.Transforms.Conversion.MapKeyToValue(ModelOutput.PredictedClassColumn, options.PredictedLabelColumnName))
                    .Fit(keyedTrain);
            });
            output.Write(r, ml, model, keyedTrain.Schema, labelMap.Transform(test));
            return 0;
        }));
        return command;
    }
}
