using System.CommandLine;
using Microsoft.ML;
using TransferLearning.ML.Progressive;

namespace TransferLearning.ML.Cli.Commands;

/// <summary>
/// <c>tlml progressive</c>: a saved model (from tlml train, or an earlier tlml progressive) and a
/// new task's CSV in; the model with one more progressive column out, which still predicts every
/// earlier task exactly as before and writes Score.{task}, PredictedLabel.{task} and PredictedClass.{task}.
/// </summary>
internal static class ProgressiveCommand
{
    public static Command Create()
    {
        var source = new Option<FileInfo>("--source", "-s") { Description = "The model so far (saved by tlml train or tlml progressive).", Required = true };
        var task = new Option<string?>("--task") { Description = "The new task's name in its column names (default: the label column's name)." };
        var column = new Option<string?>("--column") { Description = "The new column's layers, the trunk's kinds one for one (default: the trunk's). " + NetworkArgument.Help };
        var data = new DataArguments("New task's");
        var training = new TrainingArguments(new ProgressiveColumnOptions());
        var output = new ModelOutput();
        var command = new Command("progressive", "Add a progressive-network column for a new task to a saved model; earlier tasks keep their outputs bit for bit.")
        {
            source, task, column,
        };
        data.AddTo(command);
        training.AddTo(command);
        output.AddTo(command);
        command.SetAction(r => CommandRunner.Run(() =>
        {
            var ml = new MLContext(0);
            string name = r.GetValue(task) ?? data.Label(r);
            var options = training.Apply(r, new ProgressiveColumnOptions
            {
                LabelColumnName = ModelOutput.LabelKeyColumn,
                TaskName = name,
                Column = r.GetValue(column) is string spec ? NetworkArgument.Parse(spec) : null,
            });
            var (sourceModel, keyedTrain, keyedTest) = SourceModel.LoadWithTarget(r, ml, r.GetValue(source)!.FullName, data, options.Seed);
            options.FeatureColumnName = sourceModel.Classifier.InputColumnName;
            var prepared = sourceModel.Prepare(keyedTrain);
            var progressive = ConsoleReport.WithProgress("Progressive column", progress =>
            {
                options.Progress = progress;
                return ml.TransferLearning().ProgressiveColumn(sourceModel.Model, options).Fit(prepared);
            });
            var scored = sourceModel.Following.Aggregate(progressive.Transform(prepared), (view, t) => t.Transform(view));
            var keyToValue = ml.Transforms.Conversion.MapKeyToValue($"{ModelOutput.PredictedClassColumn}.{name}", options.PredictedLabelColumnName).Fit(scored);
            output.Write(r, ml, sourceModel.Compose([progressive, .. sourceModel.Following, keyToValue]), keyedTrain.Schema, keyedTest, name);
            return 0;
        }));
        return command;
    }
}
