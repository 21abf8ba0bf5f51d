using System.CommandLine;
using System.Text.Json;
using Microsoft.ML;
using Spectre.Console;
using TransferLearning.ML.Classification;

namespace TransferLearning.ML.Cli;

/// <summary>Where a training command writes its model and metrics, and how it reports them.</summary>
internal sealed class ModelOutput
{
    /// <summary>The text column holding the predicted class in every model tlml saves.</summary>
    public const string PredictedClassColumn = "PredictedClass";

    /// <summary>The key label column tlml trains on (the raw label is mapped to it outside the saved model).</summary>
    public const string LabelKeyColumn = "LabelKey";

    private readonly Option<string> _output = new("--output", "-o") { Description = "Where to save the model.", DefaultValueFactory = _ => "model.zip" };
    private readonly Option<string?> _metrics = new("--metrics") { Description = "Also write the test metrics to this JSON file." };

    /// <summary>Where the model is saved.</summary>
    public string SavedPath(ParseResult result) => result.GetValue(_output)!;

    public void AddTo(Command command)
    {
        command.Options.Add(_output);
        command.Options.Add(_metrics);
    }

    /// <summary>
    /// Evaluates on the keyed test rows (when there are some), prints the metrics, saves the model
    /// and, when asked, the metrics JSON.
    /// </summary>
    /// <param name="result">The parsed command line.</param>
    /// <param name="ml">The context.</param>
    /// <param name="model">The model to save.</param>
    /// <param name="inputSchema">Its input schema.</param>
    /// <param name="keyedTest">Test rows with the label in <see cref="LabelKeyColumn"/>, or null.</param>
    /// <param name="task">The task to evaluate, for models with several: its Score and PredictedLabel columns are Score.{task} and PredictedLabel.{task}.</param>
    public void Write(ParseResult result, MLContext ml, ITransformer model, DataViewSchema inputSchema, IDataView? keyedTest, string? task = null)
    {
        string output = result.GetValue(_output)!;
        ml.Model.Save(model, inputSchema, output);
        string consumption = ConsumptionCode.PathFor(output);
        File.WriteAllText(consumption, ConsumptionCode.Generate(Path.GetFileName(output), inputSchema, model.GetOutputSchema(inputSchema)));
        AnsiConsole.MarkupLine($"Saved [bold]{Markup.Escape(output)}[/] and the code that uses it, [bold]{Markup.Escape(consumption)}[/].");
        if (keyedTest is null) return;
        var scored = model.Transform(keyedTest);
        string score = task is null ? "Score" : $"Score.{task}", predicted = task is null ? "PredictedLabel" : $"PredictedLabel.{task}";
        var metrics = ml.MulticlassClassification.Evaluate(scored, LabelKeyColumn, score, predicted);
        // The last network is the classifier (a self-taught model holds its encoder before it).
        var classifier = ModelParts.Flatten(model).OfType<NetworkTransformer>().LastOrDefault();
        ConsoleReport.Metrics(metrics, classifier?.OutputColumns.FirstOrDefault(c => c.Name == predicted)?.Names ?? []);
        if (result.GetValue(_metrics) is string path)
        {
            var json = new
            {
                microAccuracy = metrics.MicroAccuracy,
                macroAccuracy = metrics.MacroAccuracy,
                logLoss = metrics.LogLoss,
                classes = classifier?.ClassNames,
                perClassPrecision = metrics.ConfusionMatrix.PerClassPrecision,
                perClassRecall = metrics.ConfusionMatrix.PerClassRecall,
                epochs = classifier?.TrainingReport?.Epochs.Select(e => new { e.Epoch, e.Loss, e.LossParts, e.ValidationLoss, e.ValidationAccuracy }),
                selectedEpoch = classifier?.TrainingReport?.SelectedEpoch,
                trainingMetrics = classifier?.TrainingReport?.Metrics,
                warnings = classifier?.TrainingReport?.Warnings,
            };
            File.WriteAllText(path, JsonSerializer.Serialize(json, new JsonSerializerOptions { WriteIndented = true }));
        }
    }
}
