using System.CommandLine;
using Microsoft.ML;
using TransferLearning.ML.FineTuning;
using TransferLearning.ML.Torch.Losses;
using TransferLearning.ML.Torch.Transfer;

namespace TransferLearning.ML.Cli.Commands;

/// <summary>
/// <c>tlml transfer</c>: layer transfer, fine-tuning and conservative training from files: a saved
/// source model and a target CSV in, the target model and its metrics out.
/// </summary>
internal static class TransferCommand
{
    public static Command Create()
    {
        var source = new Option<FileInfo>("--source", "-s") { Description = "The source model (saved by tlml train or mlContext.Model.Save).", Required = true };
        var data = new DataArguments("Target");
        var training = new TrainingArguments(new LayerTransferOptions());
        var output = new ModelOutput();
        var copy = new Option<int?>("--copy") { Description = "Blocks to copy from the source (default: all)." };
        var from = new Option<CopyDirection>("--from") { Description = "Copy the First blocks (input side) or the Last (head side).", DefaultValueFactory = _ => CopyDirection.First };
        var freeze = new Option<bool>("--freeze") { Description = "Freeze the copied blocks in the first phase.", DefaultValueFactory = _ => true };
        var copiedRate = new Option<double>("--copied-lr-multiplier") { Description = "Learning-rate multiplier of unfrozen copied blocks.", DefaultValueFactory = _ => 1.0 };
        var fineTuneEpochs = new Option<int>("--fine-tune-epochs") { Description = "Epochs of a second phase training every block.", DefaultValueFactory = _ => 0 };
        var fineTuneRate = new Option<double>("--fine-tune-lr-multiplier") { Description = "Learning-rate multiplier of the second phase.", DefaultValueFactory = _ => 0.1 };
        var l2Sp = new Option<bool>("--l2sp") { Description = "Add the L2-SP penalty (Li et al. 2018)." };
        var alpha = new Option<double>("--l2sp-alpha") { Description = "L2-SP alpha (pull towards the source weights).", DefaultValueFactory = _ => new L2SpOptions().Alpha };
        var beta = new Option<double>("--l2sp-beta") { Description = "L2-SP beta (decay of new weights).", DefaultValueFactory = _ => new L2SpOptions().Beta };
        var distill = new Option<DistillationLoss?>("--distill") { Description = "Add output distillation towards the source: KullbackLeibler or SquaredError." };
        var distillWeight = new Option<double>("--distill-weight") { Description = "Weight of the distillation term.", DefaultValueFactory = _ => new DistillationOptions().Weight };
        var temperature = new Option<double>("--temperature") { Description = "Distillation temperature.", DefaultValueFactory = _ => new DistillationOptions().Temperature };
        var command = new Command("transfer", "Train a target classifier from a saved source model: copy its layers, freeze or fine-tune them, optionally with L2-SP or distillation.")
        {
            source, copy, from, freeze, copiedRate, fineTuneEpochs, fineTuneRate, l2Sp, alpha, beta, distill, distillWeight, temperature,
        };
        data.AddTo(command);
        training.AddTo(command);
        output.AddTo(command);
        command.SetAction(r => CommandRunner.Run(() =>
        {
            var options = training.Apply(r, new LayerTransferOptions
            {
                LabelColumnName = ModelOutput.LabelKeyColumn,
                CopiedLayers = r.GetValue(copy),
                CopyFrom = r.GetValue(from),
                FreezeCopiedLayers = r.GetValue(freeze),
                CopiedLayersLearningRateMultiplier = r.GetValue(copiedRate),
                FineTuneEpochs = r.GetValue(fineTuneEpochs),
                FineTuneLearningRateMultiplier = r.GetValue(fineTuneRate),
                L2Sp = r.GetValue(l2Sp) ? new L2SpOptions { Alpha = r.GetValue(alpha), Beta = r.GetValue(beta) } : null,
                Distillation = r.GetValue(distill) is DistillationLoss kind
                    ? new DistillationOptions { Loss = kind, Weight = r.GetValue(distillWeight), Temperature = r.GetValue(temperature) }
                    : null,
            });
            var ml = new MLContext(options.Seed).RegisterTransferLearning();
            var (sourceModel, keyedTrain, keyedTest) = SourceModel.LoadWithTarget(r, ml, r.GetValue(source)!.FullName, data, options.Seed);
            options.FeatureColumnName = sourceModel.Classifier.InputColumnName;
            var prepared = sourceModel.Prepare(keyedTrain);
            var classifier = ConsoleReport.WithProgress("Transfer", progress =>
            {
                options.Progress = progress;
                return ml.TransferLearning().LayerTransfer(sourceModel.Model, options).Fit(prepared);
            });
            var keyToValue = ml.Transforms.Conversion.MapKeyToValue(ModelOutput.PredictedClassColumn, options.PredictedLabelColumnName)
                .Fit(classifier.Transform(prepared));
            output.Write(r, ml, sourceModel.Compose(classifier, keyToValue), keyedTrain.Schema, keyedTest);
            return 0;
        }));
        return command;
    }
}
