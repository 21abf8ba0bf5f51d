using TorchSharp;
using TorchSharp.Modules;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Torch.Training.Sampling;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.MultiTask;

/// <summary>
/// Multitask learning (Caruana 1997): one shared trunk, one head per task; each task's loss is taken
/// over the rows of the batch that have its label (a missing label never counts), and the total is
/// Σ_t w_t L_t with fixed weights, or, with uncertainty weighting (Kendall, Gal and Cipolla, CVPR
/// 2018), Σ_t exp(−s_t) L_t + s_t/2 for classification (and binary) tasks and ½ exp(−s_t) L_t + s_t/2
/// for regression, with s_t = log σ_t² learnt alongside the network.
/// </summary>
internal sealed class MultiTaskStep : ITrainingStep
{
    private readonly Network _network;
    private readonly Tensor _features;
    private readonly IReadOnlyList<TaskTarget> _tasks;
    private readonly Parameter? _logVariances;
    private readonly nn.Module _model;

    /// <param name="network">The model: a trunk and the tasks' heads.</param>
    /// <param name="features">All training rows, [rows, features].</param>
    /// <param name="tasks">The tasks, with their targets.</param>
    /// <param name="logVariances">s_t for uncertainty weighting, [tasks]; null for the fixed weights.</param>
    public MultiTaskStep(Network network, Tensor features, IReadOnlyList<TaskTarget> tasks, Parameter? logVariances)
    {
        _network = network;
        _features = features;
        _tasks = tasks;
        _logVariances = logVariances;
        _model = network;
        ParameterGroups = [new ParameterGroup([.. network.parameters(), .. logVariances is null ? Array.Empty<Parameter>() : [logVariances]])];
    }

    public nn.Module Model => _model;

    public IReadOnlyList<ParameterGroup> ParameterGroups { get; }

    public StepLoss Loss(Batch batch, double progress)
    {
        var taskRows = batch.TaskRows ?? throw new ArgumentException("Multitask steps need a MultiTaskSampler's batches.", nameof(batch));
        var rows = _features.index_select(0, batch.Rows);
        var shared = new SharedFeatures(_network, rows);
        Tensor? total = null;
        var parts = new List<(string, Tensor)>();
        for (int t = 0; t < _tasks.Count; t++)
        {
            var positions = taskRows[t];
            if (positions.shape[0] == 0) continue; // no row of this batch has the task's label
            var task = _tasks[t];
            var loss = TaskLoss(task, _network.Head(task.Head, shared.For(task.Head).index_select(0, positions)), task.Values.index_select(0, batch.Rows.index_select(0, positions)));
            parts.Add(($"loss.{task.Name}", loss));
            var weighted = _logVariances is null ? loss * task.Weight : Uncertainty(loss, _logVariances[t], task.Kind != TaskKind.Regression);
            total = total is null ? weighted : total + weighted;
        }
        return new StepLoss(total ?? rows.sum() * 0, parts);
    }

    /// <summary>Cross-entropy against class indices, mean squared error against values, or the logistic loss of a logit against 0/1.</summary>
    public static Tensor TaskLoss(TaskTarget task, Tensor output, Tensor targets) => task.Kind switch
    {
        TaskKind.Classification => nn.functional.cross_entropy(output, targets),
        TaskKind.Regression => nn.functional.mse_loss(output.squeeze(1), targets),
        _ => nn.functional.binary_cross_entropy_with_logits(output.squeeze(1), targets),
    };

    /// <summary>Kendall et al.'s weighting of one task's loss by its learnt log variance s.</summary>
    public static Tensor Uncertainty(Tensor loss, Tensor logVariance, bool classification) =>
        (classification ? loss : loss * 0.5) * (-logVariance).exp() + logVariance * 0.5;

    public Evaluation Evaluate(Tensor rows)
    {
        var ids = rows.cpu().data<long>().ToArray();
        var shared = new SharedFeatures(_network, _features.index_select(0, rows));
        double lossSum = 0, accuracySum = 0;
        int losses = 0, accuracies = 0;
        for (int t = 0; t < _tasks.Count; t++)
        {
            var task = _tasks[t];
            var present = Enumerable.Range(0, ids.Length).Where(i => task.Present[ids[i]]).Select(i => (long)i).ToArray();
            if (present.Length == 0) continue;
            var features = shared.For(task.Head); // outside the task's scope: the next task may read the same features
            using var scope = torch.NewDisposeScope();
            var positions = torch.tensor(present, device: rows.device);
            var output = _network.Head(task.Head, features.index_select(0, positions));
            var targets = task.Values.index_select(0, rows.index_select(0, positions));
            lossSum += TaskLoss(task, output, targets).item<float>();
            losses++;
            if (task.Kind == TaskKind.Regression) continue;
            var correct = task.Kind == TaskKind.Classification ? output.argmax(1).eq(targets) : output.squeeze(1).gt(0).eq(targets.gt(0.5));
            accuracySum += correct.to_type(ScalarType.Float32).mean().item<float>();
            accuracies++;
        }
        return new Evaluation(losses == 0 ? 0 : lossSum / losses, accuracies == 0 ? null : accuracySum / accuracies);
    }

    /// <summary>The shared features each head reads (the trunk's, or its task's encoder path), computed once per batch.</summary>
    private sealed class SharedFeatures(Network network, Tensor rows)
    {
        private readonly Dictionary<string, Tensor> _values = new(StringComparer.Ordinal);

        public Tensor For(string head)
        {
            string input = network.ModelSpec.Head(head).Input ?? Models.ModelSpec.FeaturesOutput;
            if (!_values.TryGetValue(input, out var value)) _values[input] = value = network.Shared(input, rows);
            return value;
        }
    }
}
