using System.CommandLine;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;
using TransferLearning.ML.Datasets;
using TransferLearning.ML.FineTuning;
using TransferLearning.ML.Onnx;

namespace TransferLearning.ML.Cli.Commands;

/// <summary>
/// <c>tlml images</c>: Model Builder's image classification, offline and fully fine-tuned — a
/// folder with one subfolder of images per class in; the ImageNet ResNet18 (imported from the
/// Microsoft.ML.DnnImageFeaturizer.ResNet18 package) transferred to those classes, a held-out
/// evaluation, and model.zip out, with model.images.json (how to read an image) for
/// <c>tlml predict --images</c>.
/// </summary>
internal static class ImagesCommand
{
    private const int Side = 224;

    public static Command Create()
    {
        var folder = new Option<DirectoryInfo>("--folder", "-f") { Description = "A folder with one subfolder of images (PNG, JPEG, BMP, GIF, WebP) per class.", Required = true };
        var testFraction = new Option<double>("--test-fraction") { Description = "Share of the images held out for the evaluation.", DefaultValueFactory = _ => 0.2 };
        var frozen = new Option<int>("--frozen-layers") { Description = "Backbone layers kept at their ImageNet weights, from the input side (of 11: preprocessing, stem, 9 residual blocks).", DefaultValueFactory = _ => 7 };
        var multiplier = new Option<double>("--backbone-lr-multiplier") { Description = "Learning rate of the unfrozen backbone layers, as a multiple of the new head's.", DefaultValueFactory = _ => 0.1 };
        var defaults = new LayerTransferOptions { Epochs = ImageBackbones.DefaultFineTuningEpochs, BatchSize = 16 };
        var training = new TrainingArguments(defaults);
        var output = new ModelOutput();
        var command = new Command("images", "Fine-tune the ImageNet ResNet18 on a folder of folders of images (one subfolder per class) and save the model. " +
            "Without --epochs, small folders get more than 5 epochs, so that training takes at least 60 steps.")
        {
            folder, testFraction, frozen, multiplier,
        };
        training.AddTo(command);
        output.AddTo(command);
        command.SetAction(r => CommandRunner.Run(() =>
        {
            var options = training.Apply(r, new LayerTransferOptions
            {
                Epochs = defaults.Epochs, BatchSize = defaults.BatchSize, FrozenLayers = r.GetValue(frozen), CopiedLayersLearningRateMultiplier = r.GetValue(multiplier),
                LabelColumnName = ModelOutput.LabelKeyColumn,
            });
            if (r.GetValue(testFraction) is var f && !(f >= 0 && f < 1)) throw new ArgumentException($"--test-fraction must be in [0, 1), was {f}.");
            var backboneFiles = ImageBackbones.ResNet18(); // before reading the images: a missing package is reported first
            var ml = new MLContext(options.Seed);
            var images = AnsiConsole.Status().Start("Reading the images…", _ => ImageFolder.Load(r.GetValue(folder)!.FullName, Side, Side, grayscale: false));
            var input = new ImageInput(Side, Side, 3, 255f); // ResNet18 reads RGB in [0, 255]
            var scaled = new ImageDataset(3, Side, Side, input.Scale(images.Images), images.Labels, images.ClassNames);
            AnsiConsole.MarkupLine($"[bold]{images.Count}[/] images of {images.ClassNames.Count} classes ({Markup.Escape(string.Join(", ", images.ClassNames))}), resized to {Side}x{Side}.");
            var split = ml.Data.TrainTestSplit(scaled.ToDataView(ml), r.GetValue(testFraction), seed: options.Seed);
            var labelMap = ml.Transforms.Conversion.MapValueToKey(ModelOutput.LabelKeyColumn, "Label").Fit(split.TrainSet);
            var keyedTrain = labelMap.Transform(split.TrainSet);
            if (!training.EpochsGiven(r))
            {
                int trainingImages = split.TrainSet.GetColumn<string>("Label").Count();
                options.Epochs = ImageBackbones.FineTuningEpochs(trainingImages, options.BatchSize);
                if (options.Epochs > defaults.Epochs)
                    AnsiConsole.MarkupLine($"{options.Epochs} epochs: {trainingImages} training images are few, and fine-tuning needs at least {ImageBackbones.MinimumFineTuningSteps} steps (--epochs sets it).");
            }
            using var backbone = ml.TransferLearning().ImportOnnx(backboneFiles);
            var model = ConsoleReport.WithProgress("Fine-tuning ResNet18", progress =>
            {
                options.Progress = progress;
                return ml.TransferLearning().LayerTransfer(backbone, options)
                    .Append(ml.Transforms.Conversion.MapKeyToValue(ModelOutput.PredictedClassColumn, options.PredictedLabelColumnName))
                    .Fit(keyedTrain);
            });
            output.Write(r, ml, model, keyedTrain.Schema, r.GetValue(testFraction) > 0 ? labelMap.Transform(split.TestSet) : null);
            input.Save(output.SavedPath(r));
            AnsiConsole.MarkupLine($"Score new images with: tlml predict --model {Markup.Escape(output.SavedPath(r))} --images FOLDER");
            return 0;
        }));
        return command;
    }
}
