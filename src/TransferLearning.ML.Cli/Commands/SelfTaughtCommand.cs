using System.CommandLine;
using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.SelfTaught;
using TransferLearning.ML.Torch.SelfTaught;

namespace TransferLearning.ML.Cli.Commands;

/// <summary>
/// <c>tlml selftaught</c>: unlabelled rows (any distribution) and a few labelled rows in; an
/// autoencoder trained on the unlabelled rows, then a classifier on its code — ML.NET's
/// maximum-entropy SDCA, or the encoder fine-tuned (<c>--fine-tune</c>) — test metrics, and
/// model.zip out (feature columns by name in, PredictedClass, PredictedLabel and Score out).
/// </summary>
internal static class SelfTaughtCommand
{
    public static Command Create()
    {
        var unlabelled = new Option<FileInfo>("--unlabelled", "-u") { Description = "CSV of unlabelled rows with the labelled file's feature columns (a label column there is ignored).", Required = true };
        var data = new DataArguments("Labelled");
        var encoder = new Option<string>("--encoder") { Description = "The encoder's layers before the code: " + NetworkArgument.Help, DefaultValueFactory = _ => "mlp:256" };
        var decoder = new Option<AutoencoderDecoder>("--decoder") { Description = "Auto (the encoder mirrored with upsampling convolutions for a convolutional encoder such as lenet:1x20x20, else Linear), Linear or Mirror.", DefaultValueFactory = _ => AutoencoderDecoder.Auto };
        var code = new Option<int>("--code-size") { Description = "Units of the code layer (the learnt features).", DefaultValueFactory = _ => 64 };
        var corruption = new Option<double>("--corruption") { Description = "Denoising: share of input values zeroed while training (0 = plain autoencoder).", DefaultValueFactory = _ => 0.0 };
        var sparsity = new Option<SparsityPenalty>("--sparsity") { Description = "None, L1 or KullbackLeibler.", DefaultValueFactory = _ => SparsityPenalty.None };
        var weight = new Option<double>("--sparsity-weight") { Description = "β, the sparsity penalty's weight.", DefaultValueFactory = _ => 0.1 };
        var reconstruction = new Option<ReconstructionLoss>("--reconstruction") { Description = "SquaredError, or CrossEntropy for features in [0, 1] (they are min-max normalised first).", DefaultValueFactory = _ => ReconstructionLoss.CrossEntropy };
        var fineTune = new Option<bool>("--fine-tune") { Description = "Fine-tune the encoder with a new head instead of training ML.NET's SDCA on its code." };
        var training = new TrainingArguments(new SelfTaughtFeaturesOptions());
        var output = new ModelOutput();
        var command = new Command("selftaught", "Self-taught learning: an autoencoder on unlabelled rows, then a classifier on its features from a few labelled rows.")
        {
            unlabelled, encoder, decoder, code, corruption, sparsity, weight, reconstruction, fineTune,
        };
        data.AddTo(command);
        training.AddTo(command);
        output.AddTo(command);
        command.SetAction(r => CommandRunner.Run(() =>
        {
            var options = training.Apply(r, new SelfTaughtFeaturesOptions
            {
                Encoder = NetworkArgument.Parse(r.GetValue(encoder)!), Decoder = r.GetValue(decoder), CodeSize = r.GetValue(code), Corruption = r.GetValue(corruption),
                Sparsity = r.GetValue(sparsity), SparsityWeight = r.GetValue(weight), Reconstruction = r.GetValue(reconstruction),
            });
            var ml = new MLContext(options.Seed);
            string label = data.Label(r);
            string[] featureColumns = [];
            var (train, test) = data.Load(r, ml, options.Seed, path =>
            {
                var (view, columns) = CsvData.LoadLabelled(ml, path, label, featureColumns.Length > 0 ? featureColumns : null);
                featureColumns = columns;
                return view;
            });
            var unlabelledRows = CsvData.LoadUnlabelled(ml, r.GetValue(unlabelled)!.FullName, featureColumns);
            // Normalisation fitted on the unlabelled rows: they are what the encoder learns from.
            var featurizer = ml.Transforms.Concatenate(options.FeatureColumnName, featureColumns).Append(ml.Transforms.NormalizeMinMax(options.FeatureColumnName)).Fit(unlabelledRows);
            var selfTaught = ConsoleReport.WithProgress("Autoencoder", progress =>
            {
                options.Progress = progress;
                return ml.TransferLearning().SelfTaughtFeatures(options).Fit(featurizer.Transform(unlabelledRows));
            });
            var labelMap = ml.Transforms.Conversion.MapValueToKey(ModelOutput.LabelKeyColumn, label).Fit(train);
            var keyedTrain = labelMap.Transform(train);
            var encoded = selfTaught.Transform(featurizer.Transform(keyedTrain));
            ITransformer classifier = r.GetValue(fineTune)
                ? ConsoleReport.WithProgress("Fine-tuning", progress => ml.TransferLearning().LayerTransfer(selfTaught, training.Apply(r, new FineTuning.LayerTransferOptions
                {
                    LabelColumnName = ModelOutput.LabelKeyColumn, FreezeCopiedLayers = false, Progress = progress,
                })).Fit(encoded))
                // SDCA passes over its data many times: cached, the encoder runs once per row, not once per pass.
                : ml.Transforms.NormalizeMinMax("Codes", options.OutputColumnName).AppendCacheCheckpoint(ml)
                    .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(ModelOutput.LabelKeyColumn, "Codes")).Fit(encoded);
            var predicted = ml.Transforms.Conversion.MapKeyToValue(ModelOutput.PredictedClassColumn, "PredictedLabel").Fit(classifier.Transform(encoded));
            output.Write(r, ml, new TransformerChain<ITransformer>(featurizer, selfTaught, classifier, predicted), keyedTrain.Schema, labelMap.Transform(test));
            return 0;
        }));
        return command;
    }
}
