using Microsoft.ML.Data;
using Spectre.Console;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Cli;

/// <summary>Progress bars and result tables on the console.</summary>
internal static class ConsoleReport
{
    /// <summary>Runs <paramref name="train"/> under a progress bar fed by the training loop's progress reports.</summary>
    public static T WithProgress<T>(string title, Func<IProgress<TrainingProgress>, T> train)
    {
        string final = "";
        var result = AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                var task = context.AddTask(title, maxValue: 1);
                string summary = "";
                var result = train(new Reporter(progress =>
                {
                    task.MaxValue = (double)progress.Epochs * progress.StepsPerEpoch;
                    task.Value = (double)(progress.Epoch - 1) * progress.StepsPerEpoch + progress.Step;
                    var parts = progress.LossParts.Count == 0 ? "" : $" ({string.Join(", ", progress.LossParts.Select(p => $"{p.Key} {p.Value:F4}"))})";
                    task.Description = Markup.Escape($"{title} epoch {progress.Epoch}/{progress.Epochs} loss {progress.Loss:F4}{parts}" +
                        (progress.ValidationAccuracy is double va ? $" val {va:P1}" : ""));
                    // The last step is not the end: methods measure, re-estimate or select after it.
                    summary = $"loss {progress.Loss:F4}{parts}";
                    if (progress.EpochCompleted && progress.Epoch == progress.Epochs)
                        task.Description = Markup.Escape($"{title}: training done ({summary}); finishing…");
                }));
                task.Value = task.MaxValue;
                task.Description = final = Markup.Escape($"{title}: done ({summary})");
                return result;
            });
        // Without a terminal (logs, CI) the bar is drawn only now and then: say where training ended.
        if (!AnsiConsole.Profile.Capabilities.Interactive) AnsiConsole.MarkupLine(final);
        return result;
    }

    public static void Metrics(MulticlassClassificationMetrics metrics, IReadOnlyList<string> classNames)
    {
        AnsiConsole.MarkupLine($"[bold]Accuracy[/] {metrics.MicroAccuracy:P2} (macro {metrics.MacroAccuracy:P2}), log-loss {metrics.LogLoss:F4}");
        var table = new Table().AddColumns("class", "precision", "recall", "rows");
        var confusion = metrics.ConfusionMatrix;
        for (int i = 0; i < confusion.NumberOfClasses; i++)
        {
            string name = i < classNames.Count ? classNames[i] : i.ToString();
            table.AddRow(Markup.Escape(name), $"{confusion.PerClassPrecision[i]:P1}", $"{confusion.PerClassRecall[i]:P1}",
                $"{confusion.Counts[i].Sum():F0}");
        }
        AnsiConsole.Write(table);
    }

    private sealed class Reporter(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
