using TorchSharp;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Torch.Training.Sampling;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.MultiTask;

/// <summary>One task as the ML.NET side reads it: its targets per row, host-side.</summary>
/// <param name="Name">The task's name (its label column).</param>
/// <param name="Head">The head that predicts it.</param>
/// <param name="Kind">Classification, regression or binary.</param>
/// <param name="Classes">Number of classes of a classification task; 0 otherwise.</param>
/// <param name="Labels">Class index per row, -1 where missing (classification).</param>
/// <param name="Values">Target per row: a value, NaN where missing (regression), or 0/1 (binary).</param>
/// <param name="Weight">Fixed weight of the task's loss.</param>
internal sealed record TaskData(string Name, string Head, TaskKind Kind, int Classes, long[] Labels, float[] Values, double Weight)
{
    public bool[] Present => Kind == TaskKind.Classification ? Labels.Select(l => l >= 0).ToArray() : Values.Select(v => !float.IsNaN(v)).ToArray();
}

/// <summary>
/// Multitask training as a whole: the tasks' targets on the device, batches that list each task's
/// labelled rows (<see cref="MultiTaskSampler"/>), the step, and, with uncertainty weighting, the
/// learnt per-task weights reported as metrics <c>task-weight.{name}</c> (= exp(−s_t)).
/// </summary>
internal sealed class MultiTaskRecipe(IReadOnlyList<TaskData> tasks, bool uncertaintyWeighting)
{
    public TrainingReport Train(TrainingContext context, TrainingOptions options)
    {
        var targets = tasks.Select(t => new TaskTarget(t.Name, t.Head, t.Kind,
            t.Kind == TaskKind.Classification ? torch.tensor(t.Labels, device: context.Device) : torch.tensor(t.Values, device: context.Device), t.Present, t.Weight)).ToArray();
        try
        {
            using var logVariances = uncertaintyWeighting ? new TorchSharp.Modules.Parameter(torch.zeros(tasks.Count, device: context.Device)) : null;
            var present = targets.Select(t => t.Present).ToArray();
            var report = context.Run(new MultiTaskStep(context.Network, context.Features, targets, logVariances), options,
                (rows, o, device) => new MultiTaskSampler(rows, present, o.BatchSize, device));
            if (logVariances is null) return report;
            var weights = (-logVariances.detach()).exp().cpu().data<float>().ToArray();
            return report with { Metrics = tasks.Select((t, i) => (t.Name, (double)weights[i])).ToDictionary(p => $"task-weight.{p.Name}", p => p.Item2) };
        }
        finally
        {
            foreach (var target in targets) target.Values.Dispose();
        }
    }
}
