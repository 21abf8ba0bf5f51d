using TorchSharp;
using TransferLearning.ML.Torch.Training.Sampling;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Training;

/// <summary>
/// The one training loop: a seeded validation split, the batches an <see cref="IBatchSampler"/>
/// draws, the optimizer and its schedule, early stopping, a dispose scope per step, cancellation
/// and progress. Methods plug in through <see cref="ITrainingStep"/> and, where they need other
/// batches than uniform rows, a sampler.
/// </summary>
internal static class TrainingLoop
{
    /// <summary>How many times the first step's loss (at least 1) an epoch's mean loss may reach before the run counts as diverged.</summary>
    private const double DivergenceFactor = 100;

    /// <summary>
    /// Trains <paramref name="step"/>'s model on rows 0..<paramref name="rowCount"/>-1. The caller
    /// seeds torch (torch.manual_seed) before building the model; the loop reseeds before the first
    /// step so that dropout is reproducible too.
    /// </summary>
    /// <param name="step">The method's model, parameters and loss.</param>
    /// <param name="rowCount">Number of training rows the step can index.</param>
    /// <param name="options">Loop settings.</param>
    /// <param name="device">The device the step's data and model live on.</param>
    /// <param name="progress">Receives the progress reports; default <see cref="TrainingOptions.Progress"/>.</param>
    /// <param name="sampler">Draws each step's batch from the training rows; default <see cref="UniformRowSampler"/> of BatchSize rows.</param>
    /// <param name="checkAlive">Called before every step; throws to stop training (e.g. ML.NET's CheckAlive after CancelExecution).</param>
    /// <returns>The per-epoch history; the model holds the selected epoch's weights, in eval mode.</returns>
    /// <exception cref="InvalidOperationException">The loss became NaN or infinite, or exploded (see <see cref="TrainingOptions.FailOnDivergence"/>).</exception>
    /// <exception cref="OperationCanceledException">The options' cancellation token fired, or <paramref name="checkAlive"/> said stop.</exception>
    public static TrainingReport Run(ITrainingStep step, int rowCount, TrainingOptions options, Device device,
        IProgress<TrainingProgress>? progress = null, SamplerFactory? sampler = null, Action? checkAlive = null)
    {
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (rowCount < 1) throw new ArgumentException("There are no training rows.", nameof(rowCount));
        progress ??= options.Progress;

        var random = new Random(options.Seed);
        var (trainRows, validationRows) = Split(rowCount, options.ValidationFraction, random);
        if (trainRows.Length == 0)
            throw new ArgumentException(
                $"ValidationFraction {options.ValidationFraction} leaves no training rows out of {rowCount}.", nameof(options));
        torch.manual_seed(options.Seed);

        using var batches = (sampler ?? UniformRowSampler.Factory)(trainRows, options, device);
        int stepsPerEpoch = batches.StepsPerEpoch;
        long totalSteps = (long)stepsPerEpoch * options.Epochs;
        var groups = step.ParameterGroups.Where(g => g.Parameters.Count > 0).ToArray();
        using var optimizer = CreateOptimizer(groups, options);
        var controllers = optimizer.Groups;

        using var validation = validationRows.Length > 0 ? torch.tensor(validationRows, device: device) : null;
        var history = new List<TrainingProgress>();
        Dictionary<string, Tensor>? best = null;
        double bestScore = double.PositiveInfinity;
        int bestEpoch = options.Epochs, epochsWithoutGain = 0;
        bool stoppedEarly = false;
        double? firstLoss = null;
        try
        {
            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                step.Model.train();
                batches.StartEpoch(random);
                double lossSum = 0, learningRate = options.LearningRate;
                var partSums = new Dictionary<string, double>();
                for (int s = 0; s < stepsPerEpoch; s++)
                {
                    options.CancellationToken.ThrowIfCancellationRequested();
                    checkAlive?.Invoke();
                    double p = (double)((long)(epoch - 1) * stepsPerEpoch + s) / totalSteps;
                    learningRate = options.LearningRate * LearningRateSchedules.Factor(options.LearningRateSchedule, p);
                    for (int g = 0; g < controllers.Count; g++)
                        controllers[g].LearningRate = learningRate * groups[g].LearningRateMultiplier;

                    using (var scope = torch.NewDisposeScope())
                    {
                        optimizer.ZeroGrad();
                        var loss = step.Loss(batches.Next(s), p);
                        loss.Total.backward();
                        optimizer.Step();
                        double value = loss.Total.item<float>();
                        if (!double.IsFinite(value))
                            throw new InvalidOperationException(
                                $"Training diverged at epoch {epoch}, step {s + 1}: the loss is {value}. Lower LearningRate " +
                                $"(now {options.LearningRate}) or check the features' scale.");
                        firstLoss ??= value;
                        lossSum += value;
                        foreach (var (name, part) in loss.Parts)
                            partSums[name] = partSums.GetValueOrDefault(name) + part.item<float>();
                    }
                    bool last = s == stepsPerEpoch - 1;
                    if (!last) progress?.Report(Progress(epoch, s + 1, lossSum, partSums, learningRate, false, null));
                    else
                    {
                        Evaluation? evaluation = validation is null ? null : Validate(step, validation);
                        var report = Progress(epoch, s + 1, lossSum, partSums, learningRate, true, evaluation);
                        history.Add(report);
                        progress?.Report(report);
                        double limit = DivergenceFactor * Math.Max(Math.Abs(firstLoss ?? 0), 1);
                        if (options.FailOnDivergence && report.Loss > limit)
                            throw new InvalidOperationException(
                                $"Training diverged: epoch {epoch}'s mean loss is {report.Loss:G4}, more than {DivergenceFactor} times the first step's ({firstLoss:G4}). " +
                                $"Lower LearningRate (now {options.LearningRate}) or scale the features (e.g. NormalizeMinMax); set FailOnDivergence = false to keep training.");
                        if (evaluation is Evaluation e)
                        {
                            if (e.SelectionScore < bestScore)
                            {
                                bestScore = e.SelectionScore;
                                bestEpoch = epoch;
                                epochsWithoutGain = 0;
                                Replace(ref best, Snapshot(step.Model));
                            }
                            else if (options.EarlyStoppingPatience > 0 && ++epochsWithoutGain >= options.EarlyStoppingPatience)
                            {
                                stoppedEarly = epoch < options.Epochs;
                            }
                        }
                    }
                }
                if (stoppedEarly) break;
            }
            if (best is not null)
            {
                using var scope = torch.NewDisposeScope();
                step.Model.load_state_dict(best);
            }
        }
        finally
        {
            Replace(ref best, null);
            step.Model.eval();
        }

        return new TrainingReport
        {
            Epochs = history,
            SelectedEpoch = validation is null ? history.Count : bestEpoch,
            StoppedEarly = stoppedEarly,
            TrainingRows = trainRows.Length,
            ValidationRows = validationRows.Length,
        };

        TrainingProgress Progress(int epoch, int stepNumber, double lossSum, Dictionary<string, double> parts, double lr,
            bool completed, Evaluation? evaluation) => new()
            {
                Epoch = epoch,
                Epochs = options.Epochs,
                Step = stepNumber,
                StepsPerEpoch = stepsPerEpoch,
                Loss = lossSum / stepNumber,
                LossParts = parts.ToDictionary(kv => kv.Key, kv => kv.Value / stepNumber),
                LearningRate = lr,
                EpochCompleted = completed,
                ValidationLoss = evaluation?.Loss,
                ValidationAccuracy = evaluation?.Accuracy,
                ValidationScore = evaluation?.Score,
            };
    }

    /// <summary>Holds out <paramref name="fraction"/> of the rows at random.</summary>
    private static (long[] Train, long[] Validation) Split(int rowCount, double fraction, Random random)
    {
        var all = new long[rowCount];
        for (int i = 0; i < rowCount; i++) all[i] = i;
        int held = (int)Math.Round(rowCount * fraction);
        if (held == 0) return (all, []);
        UniformRowSampler.Shuffle(all, random);
        var validation = all[..held];
        var train = all[held..];
        Array.Sort(validation);
        Array.Sort(train);
        return (train, validation);
    }

    private static Evaluation Validate(ITrainingStep step, Tensor rows)
    {
        step.Model.eval();
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            return step.Evaluate(rows);
        }
        finally
        {
            step.Model.train();
        }
    }

    private static ParameterUpdater CreateOptimizer(ParameterGroup[] groups, TrainingOptions options)
    {
        if (groups.Length == 0)
            throw new InvalidOperationException("Nothing to train: every parameter is frozen.");
        if (!Enum.IsDefined(options.Optimizer)) throw new ArgumentOutOfRangeException(nameof(options), options.Optimizer, "Unknown optimizer.");
        return new ParameterUpdater(groups.Select(g => ((IReadOnlyList<Tensor>)g.Parameters.ToArray(), options.LearningRate * g.LearningRateMultiplier)),
            options.Optimizer, options.Momentum, options.WeightDecay);
    }

    /// <summary>A copy of the model's state that survives the steps' dispose scopes.</summary>
    private static Dictionary<string, Tensor> Snapshot(nn.Module model)
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        return model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
    }

    private static void Replace(ref Dictionary<string, Tensor>? state, Dictionary<string, Tensor>? next)
    {
        if (state is not null)
            foreach (var tensor in state.Values) tensor.Dispose();
        state = next;
    }
}
