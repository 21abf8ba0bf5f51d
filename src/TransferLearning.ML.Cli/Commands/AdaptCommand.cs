using System.CommandLine;
using Microsoft.ML;
using Spectre.Console;
using TransferLearning.ML.DomainAdaptation;
using TransferLearning.ML.Torch.Adaptation;
using TransferLearning.ML.Torch.Networks;

namespace TransferLearning.ML.Cli.Commands;

/// <summary>
/// <c>tlml adapt</c>: domain adaptation from files. A labelled source CSV and an unlabelled target
/// CSV (same feature columns) in; a DANN classifier, or TCA followed by ML.NET's L-BFGS maximum
/// entropy classifier, out. With --target-test (labelled target rows) it reports target accuracy.
/// </summary>
internal static class AdaptCommand
{
    public enum Method
    {
        Dann,
        Tca,
    }

    public static Command Create()
    {
        var method = new Option<Method>("--method") { Description = "Dann (domain-adversarial network) or Tca (transfer components + max-entropy classifier).", DefaultValueFactory = _ => Method.Dann };
        var source = new Option<FileInfo>("--source") { Description = "Labelled source CSV with a header row.", Required = true };
        var target = new Option<FileInfo>("--target") { Description = "Target CSV with the same feature columns; its labels, if any, are not used.", Required = true };
        var targetTest = new Option<FileInfo?>("--target-test") { Description = "Labelled target CSV to measure accuracy on." };
        var label = new Option<string>("--label", "-l") { Description = "The label column.", DefaultValueFactory = _ => "Label" };
        var network = new Option<string>("--network") { Description = NetworkArgument.Help, DefaultValueFactory = _ => "mlp:128" };
        var imageRecipe = new Option<bool>("--image-recipe") { Description = "DANN: per-image standardisation, AdaBN, augmentation, information maximisation, FixMatch-style self-training, λ ≤ 0.3 (needs a lenet:CxHxW network)." };
        var maximumLambda = new Option<double?>("--lambda") { Description = "DANN: the value λ rises to (default 1, or 0.3 with --image-recipe)." };
        var conditioning = new Option<AdversarialConditioning>("--conditioning")
        {
            Description = "DANN: what the discriminator sees: None (the features: DANN), Multilinear (features ⊗ class probabilities: CDAN) or MultilinearEntropy (CDAN+E).",
            DefaultValueFactory = _ => AdversarialConditioning.None,
        };
        var reverseValidation = new Option<bool>("--reverse-validation")
        {
            Description = "DANN: also train a network on the target rows labelled by the model and report its accuracy on the source rows (a label-free check; one more training).",
        };
        var compareSourceOnly = new Option<bool>("--compare-source-only")
        {
            Description = "DANN: also train the same network without adaptation (λ = 0, no target-side losses) and report how often the adapted model keeps its predictions " +
                "on the target rows, warning when it changes many of the sure ones (a label-free negative-transfer check; one more training).",
        };
        var components = new Option<int>("--components") { Description = "TCA: number of components.", DefaultValueFactory = _ => 30 };
        var mu = new Option<double>("--mu") { Description = "TCA: μ.", DefaultValueFactory = _ => 1.0 };
        var kernel = new Option<TcaKernel>("--kernel") { Description = "TCA: Linear or Rbf.", DefaultValueFactory = _ => TcaKernel.Linear };
        var training = new TrainingArguments(new DomainAdversarialOptions(), ("--image-recipe", DomainAdversarialOptions.ForImages(NetworkSpec.LeNet(1, 20, 20))));
        var output = new ModelOutput();
        var command = new Command("adapt", "Domain adaptation: train on labelled source rows and unlabelled target rows (DANN or TCA).")
        {
            method, source, target, targetTest, label, network, imageRecipe, maximumLambda, conditioning, reverseValidation, compareSourceOnly, components, mu, kernel,
        };
        training.AddTo(command);
        output.AddTo(command);
        command.SetAction(r => CommandRunner.Run(() =>
        {
            // Every flag is checked before any data is read.
            var networkSpec = NetworkArgument.Parse(r.GetValue(network)!);
            if (r.GetValue(imageRecipe) && networkSpec.InputShape.Length != 3)
                throw new ArgumentException($"--image-recipe needs an image network: pass --network lenet:CxHxW (e.g. lenet:3x20x20), not '{r.GetValue(network)}'.");
            if (r.GetValue(method) == Method.Tca && r.GetValue(imageRecipe))
                throw new ArgumentException("--image-recipe is a DANN recipe; it does not apply to --method Tca.");
            if (r.GetValue(method) == Method.Tca && r.GetValue(compareSourceOnly))
                throw new ArgumentException("--compare-source-only compares a DANN model with its source-only twin; it does not apply to --method Tca.");
            DomainAdversarialOptions DannOptions()
            {
                var options = training.Apply(r, r.GetValue(imageRecipe)
                    ? DomainAdversarialOptions.ForImages(networkSpec)
                    : new DomainAdversarialOptions { Network = networkSpec });
                if (r.GetValue(maximumLambda) is double lambda) options.MaximumLambda = lambda;
                options.Conditioning = r.GetValue(conditioning);
                options.LabelColumnName = ModelOutput.LabelKeyColumn;
                return options;
            }
            var dann = DannOptions();
            dann.ReverseValidation = r.GetValue(reverseValidation);
            var ml = new MLContext(dann.Seed).RegisterTransferLearning();
            if (r.GetValue(method) == Method.Dann) ml.TransferLearning().DomainAdversarial(dann); // validates the options

            string labelName = r.GetValue(label)!;
            string targetPath = r.GetValue(target)!.FullName;
            var (sourceData, featureColumns) = CsvData.LoadLabelled(ml, r.GetValue(source)!.FullName, labelName, null);
            // The target's columns are picked by the source's names: any other target column would be silently ignored.
            var extra = CsvData.Header(targetPath).Where(h => !featureColumns.Contains(h, StringComparer.OrdinalIgnoreCase) && !string.Equals(h, labelName, StringComparison.OrdinalIgnoreCase)).ToArray();
            if (extra.Length > 0)
                throw new InvalidDataException($"--target has {extra.Length} column(s) the source does not ({string.Join(", ", extra.Take(3).Select(e => $"'{e}'"))}{(extra.Length > 3 ? ", …" : "")}); " +
                    $"both files need the same {featureColumns.Length} feature columns (e.g. as many image channels).");
            var targetData = CsvData.LoadUnlabelled(ml, targetPath, featureColumns);
            var combined = ml.TransferLearning().CombineDomains(sourceData, targetData);
            var labelMap = ml.Transforms.Conversion.MapValueToKey(ModelOutput.LabelKeyColumn, labelName).Fit(sourceData);
            var keyed = labelMap.Transform(combined);

            // The same featurisation in front of the adapted model and of its source-only twin.
            IEstimator<ITransformer> Featurize() => ml.Transforms.Concatenate("Features", featureColumns).Append(ml.Transforms.NormalizeMinMax("Features"));
            var pipeline = Featurize();
            pipeline = r.GetValue(method) == Method.Dann
                ? pipeline.Append(ml.TransferLearning().DomainAdversarial(dann))
                : pipeline
                    .Append(ml.TransferLearning().TransferComponents(new TransferComponentsOptions
                    {
                        Components = r.GetValue(components), Mu = r.GetValue(mu), Kernel = r.GetValue(kernel), Seed = dann.Seed,
                    }))
                    .Append(new SourceRowsOnly(ml, ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy(ModelOutput.LabelKeyColumn, "TransferComponents")));
            pipeline = pipeline.Append(ml.Transforms.Conversion.MapKeyToValue(ModelOutput.PredictedClassColumn, "PredictedLabel"));
            var model = ConsoleReport.WithProgress($"Adapting ({r.GetValue(method)})", progress =>
            {
                dann.Progress = progress;
                return pipeline.Fit(keyed);
            });

            foreach (var classifier in ModelParts.Flatten(model).OfType<NetworkTransformer>())
            {
                foreach (var (name, value) in classifier.TrainingReport?.Metrics ?? new Dictionary<string, double>())
                    AnsiConsole.MarkupLine($"{Markup.Escape(name)}: {value:F3}");
                foreach (var warning in classifier.TrainingReport?.Warnings ?? [])
                    AnsiConsole.MarkupLine($"[yellow]Warning:[/] {Markup.Escape(warning)}");
            }
            if (r.GetValue(compareSourceOnly))
            {
                var twin = DannOptions().SourceOnly();
                var sourceOnly = ConsoleReport.WithProgress("Training the source-only model (λ = 0)", progress =>
                {
                    twin.Progress = progress;
                    return Featurize().Append(ml.TransferLearning().DomainAdversarial(twin)).Fit(keyed);
                });
                var comparison = ml.TransferLearning().CompareWithSourceOnly(model, sourceOnly, targetData);
                AnsiConsole.MarkupLine($"Agreement with the source-only model on the {comparison.Rows} target rows: {comparison.Agreement:P1}; " +
                    $"on its most confident {comparison.ConfidentShare:P0}: {comparison.ConfidentAgreement:P1}.");
                foreach (var warning in comparison.Warnings) AnsiConsole.MarkupLine($"[yellow]Warning:[/] {Markup.Escape(warning)}");
            }
            var test = r.GetValue(targetTest) is FileInfo file
                ? labelMap.Transform(CsvData.LoadLabelled(ml, file.FullName, labelName, featureColumns).Data)
                : null;
            if (test is null) AnsiConsole.MarkupLine("No --target-test given: target accuracy not measured.");
            output.Write(r, ml, model, keyed.Schema, test);
            return 0;
        }));
        return command;
    }

    /// <summary>Fits an ML.NET trainer on the source rows only (the target rows carry no label).</summary>
    private sealed class SourceRowsOnly(MLContext ml, IEstimator<ITransformer> trainer) : IEstimator<ITransformer>
    {
        public ITransformer Fit(IDataView input) => trainer.Fit(ml.Data.FilterRowsByMissingValues(input, ModelOutput.LabelKeyColumn));

        public SchemaShape GetOutputSchema(SchemaShape inputSchema) => trainer.GetOutputSchema(inputSchema);
    }
}
