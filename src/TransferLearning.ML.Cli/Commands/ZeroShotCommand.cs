using System.CommandLine;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;
using TransferLearning.ML.Classification;
using TransferLearning.ML.ZeroShot;

namespace TransferLearning.ML.Cli.Commands;

/// <summary>
/// <c>tlml zeroshot</c>: zero-shot learning from files. Seen-class rows (a CSV with a label and
/// numeric features) and a class description table (CSV, or word vectors) in; a model that predicts
/// among the table's unseen classes (or all, generalised) out, with its zero-shot metrics on --test.
/// </summary>
internal static class ZeroShotCommand
{
    public enum Method
    {
        Attributes,
        Embedding,
        ConSE,
    }

    public static Command Create()
    {
        var method = new Option<Method>("--method") { Description = "Attributes (DAP / nearest), Embedding (ranking loss) or ConSE.", DefaultValueFactory = _ => Method.Attributes };
        var data = new Option<FileInfo>("--data", "-d") { Description = "Seen-class training CSV with a header row.", Required = true };
        var label = new Option<string>("--label", "-l") { Description = "The label column (class names).", DefaultValueFactory = _ => "Label" };
        var test = new Option<FileInfo?>("--test") { Description = "Labelled CSV to measure zero-shot accuracy on." };
        var table = new Option<FileInfo?>("--table") { Description = "Class description CSV: name, then values, one class a line." };
        var wordVectors = new Option<FileInfo?>("--word-vectors") { Description = "GloVe / word2vec text file; needs --classes." };
        var classes = new Option<string?>("--classes") { Description = "Comma-separated class names to look up in --word-vectors (seen and unseen)." };
        var mode = new Option<ZeroShotMode>("--mode") { Description = "Unseen (default) or Generalized.", DefaultValueFactory = _ => ZeroShotMode.Unseen };
        var network = new Option<string>("--network") { Description = NetworkArgument.Help, DefaultValueFactory = _ => "mlp:256" };
        var top = new Option<int>("--top") { Description = "ConSE: T, the seen classes combined.", DefaultValueFactory = _ => 10 };
        var penalty = new Option<double?>("--seen-class-penalty")
        {
            Description = "Generalized mode: subtracted from the seen classes' scores (calibrated stacking). Default: chosen on seen classes held out in 3 splits (3 more trainings); 0 turns it off.",
        };
        var calibrateOn = new Option<FileInfo?>("--calibrate-on")
        {
            Description = "Generalized mode: unlabelled CSV of the rows to be scored (the training features; a label column is not read). The seen-class penalty is set so that " +
                "--unseen-share of them go to unseen classes (transductive), instead of the held-out split calibration.",
        };
        var unseenShare = new Option<double?>("--unseen-share")
        {
            Description = "With --calibrate-on: the expected share of unseen-class rows, in (0, 1). Default: the unseen classes' share of the candidates.",
        };
        var output = new Option<string>("--output", "-o") { Description = "Where to save the model.", DefaultValueFactory = _ => "model.zip" };
        var metricsPath = new Option<string?>("--metrics") { Description = "Also write the metrics to this JSON file." };
        var training = new TrainingArguments(new NetworkClassifierOptions());
        var command = new Command("zeroshot", "Zero-shot learning: predict classes never seen in training from their descriptions.")
        {
            method, data, label, test, table, wordVectors, classes, mode, network, top, penalty, calibrateOn, unseenShare, output, metricsPath,
        };
        training.AddTo(command);
        command.SetAction(r => CommandRunner.Run(() =>
        {
            // The flags are checked before any file is read.
            var calibrationFile = r.GetValue(calibrateOn);
            if (calibrationFile is not null && r.GetValue(mode) != ZeroShotMode.Generalized)
                throw new ArgumentException("--calibrate-on chooses the seen-class penalty of a generalised model: add --mode Generalized.");
            if (r.GetValue(unseenShare) is not null && calibrationFile is null)
                throw new ArgumentException("--unseen-share needs --calibrate-on (the unlabelled rows whose share it sets).");
            if (calibrationFile is not null && r.GetValue(penalty) is not null)
                throw new ArgumentException("Give --seen-class-penalty or --calibrate-on, not both: each sets the seen-class penalty.");
            var descriptions = r.GetValue(table) is FileInfo csv ? ClassDescriptions.FromCsv(csv.FullName)
                : r.GetValue(wordVectors) is FileInfo vectors && r.GetValue(classes) is string names
                    ? ClassDescriptions.FromWordVectors(vectors.FullName, names.Split(',').Select(n => n.Trim()))
                    : throw new ArgumentException("Give --table, or --word-vectors with --classes.");
            var spec = NetworkArgument.Parse(r.GetValue(network)!);
            // With --calibrate-on the penalty is set afterwards: train without one (and without the split calibration's trainings).
            double? fixedPenalty = calibrationFile is not null ? 0 : r.GetValue(penalty);
            var ml = new MLContext(training.Apply(r, new NetworkClassifierOptions()).Seed).RegisterTransferLearning();
            string labelName = r.GetValue(label)!;
            var (train, featureColumns) = CsvData.LoadLabelled(ml, r.GetValue(data)!.FullName, labelName, null);
            var keyed = ml.Transforms.Conversion.MapValueToKey(ModelOutput.LabelKeyColumn, labelName).Fit(train).Transform(train);
            var features = ml.Transforms.Concatenate("Features", featureColumns).Append(ml.Transforms.NormalizeMinMax("Features")).Fit(keyed);
            var prepared = features.Transform(keyed);

            var parts = new List<ITransformer> { features };
            NetworkTransformer zeroShot = ConsoleReport.WithProgress($"Training ({r.GetValue(method)})", progress =>
            {
                T Configure<T>(T options) where T : ZeroShotTrainingOptions
                {
                    (options.ClassDescriptions, options.Mode, options.Network, options.LabelColumnName, options.Progress, options.SeenClassPenalty) =
                        (descriptions, r.GetValue(mode), spec, ModelOutput.LabelKeyColumn, progress, fixedPenalty);
                    return training.Apply(r, options);
                }

                switch (r.GetValue(method))
                {
                    case Method.Attributes:
                        return ml.TransferLearning().ZeroShotAttributes(Configure(new ZeroShotAttributeOptions())).Fit(prepared);
                    case Method.Embedding:
                        return ml.TransferLearning().AttributeEmbedding(Configure(new AttributeEmbeddingOptions())).Fit(prepared);
                    default:
                        var classifierOptions = training.Apply(r, new NetworkClassifierOptions
                        {
                            Network = spec, LabelColumnName = ModelOutput.LabelKeyColumn, Progress = progress,
                        });
                        var classifier = ml.TransferLearning().NetworkClassifier(classifierOptions).Fit(prepared);
                        // A calibration split's classifier: its own key over the classes it trains on (the full key would give it slots for its stand-ins).
                        ITransformer FitOnPart(IDataView part)
                        {
                            var key = ml.Transforms.Conversion.MapValueToKey(ModelOutput.LabelKeyColumn, labelName).Fit(part);
                            var partClassifier = ml.TransferLearning().NetworkClassifier(classifierOptions).Fit(features.Transform(key.Transform(part)));
                            return new TransformerChain<ITransformer>(key, features, partClassifier);
                        }
                        parts.Add(classifier);
                        var conse = new ConSEOptions { ClassDescriptions = descriptions, Mode = r.GetValue(mode), TopCount = r.GetValue(top) };
                        if (conse.Mode == ZeroShotMode.Generalized && fixedPenalty is null)
                        {
                            conse.SeenClassPenalty = ml.TransferLearning().ChooseConSEPenalty(train, FitOnPart, conse, labelName, seed: classifierOptions.Seed);
                            AnsiConsole.MarkupLine($"Seen-class penalty {conse.SeenClassPenalty:F4} (chosen on 3 splits of the seen classes, without unseen labels).");
                        }
                        else if (conse.Mode == ZeroShotMode.Generalized) conse.SeenClassPenalty = fixedPenalty!.Value;
                        return ml.TransferLearning().ConSE(conse).Fit(classifier.Transform(prepared));
                }
            });
            if (calibrationFile is not null)
            {
                var unlabelled = CsvData.LoadUnlabelled(ml, calibrationFile.FullName, featureColumns);
                var modelInput = parts.Aggregate(unlabelled, (view, t) => t.Transform(view));
                var calibrated = ml.TransferLearning().CalibrateToUnseenShare(zeroShot, modelInput, r.GetValue(unseenShare));
                zeroShot.Dispose();
                zeroShot = calibrated;
                AnsiConsole.MarkupLine($"Seen-class penalty {CalibratedStacking.SeenClassPenalty(zeroShot):F4} (chosen so that " +
                    $"{(r.GetValue(unseenShare) is double share ? $"{share:P0}" : "the unseen classes' share of the candidates")} of the rows of {Markup.Escape(calibrationFile.Name)} go to unseen classes).");
            }
            parts.Add(zeroShot);
            var scoredTrain = parts.Aggregate(keyed, (view, t) => t.Transform(view));
            parts.Add(ml.Transforms.Conversion.MapKeyToValue(ModelOutput.PredictedClassColumn, "PredictedLabel").Fit(scoredTrain));
            var model = new TransformerChain<ITransformer>([.. parts]);
            ml.Model.Save(model, keyed.Schema, r.GetValue(output)!);
            AnsiConsole.MarkupLine($"Candidates: {Markup.Escape(string.Join(", ", zeroShot.ClassLists["candidates"]))}. Saved [bold]{Markup.Escape(r.GetValue(output)!)}[/].");

            if (r.GetValue(test) is FileInfo testFile)
            {
                var testData = CsvData.LoadLabelled(ml, testFile.FullName, labelName, featureColumns).Data;
                var seen = r.GetValue(mode) == ZeroShotMode.Generalized ? zeroShot.ClassLists["seen"].ToArray() : null;
                var metrics = ml.TransferLearning().EvaluateZeroShot(model.Transform(testData), labelName, k: 2, seenClasses: seen);
                AnsiConsole.MarkupLine($"[bold]Top-1[/] {metrics.Top1Accuracy:P2}, hit@2 {metrics.HitAtK:P2}, mean per-class {metrics.MeanPerClassAccuracy:P2} on {metrics.Rows} rows");
                if (metrics.HarmonicMean is double h)
                    AnsiConsole.MarkupLine($"Generalised: seen {metrics.SeenAccuracy:P2}, unseen {metrics.UnseenAccuracy:P2}, harmonic mean {h:P2}" +
                        (metrics.Ausuc is double area ? $"; AUSUC {area:P2} (area under the seen-unseen curve)" : ""));
                if (r.GetValue(metricsPath) is string path)
                    File.WriteAllText(path, JsonSerializer.Serialize(metrics, new JsonSerializerOptions { WriteIndented = true }));
            }
            return 0;
        }));
        return command;
    }
}
