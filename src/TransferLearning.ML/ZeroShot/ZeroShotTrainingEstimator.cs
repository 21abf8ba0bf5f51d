using Microsoft.ML;
using Microsoft.ML.Runtime;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Data;
using TransferLearning.ML.Training;
using TransferLearning.ML.Torch.Inference;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Torch.ZeroShot;

namespace TransferLearning.ML.ZeroShot;

/// <summary>The part the training zero-shot estimators share: options checked once, the input checks and the output schema.</summary>
/// <typeparam name="TOptions">The method's options.</typeparam>
public abstract class ZeroShotTrainingEstimator<TOptions> : NetworkEstimator<TOptions> where TOptions : ZeroShotTrainingOptions
{
    private protected ZeroShotTrainingEstimator(IHostEnvironment env, TOptions options) : base(env, options)
    {
    }

    /// <summary>The output vector column (predicted attributes, or the embedding).</summary>
    private protected abstract string VectorColumnName { get; }

    /// <summary>The method's name, model and training plan for these seen and candidate classes; <paramref name="offsets"/> go to the candidate-scores head.</summary>
    private protected abstract (string Method, ModelSpec Spec, string VectorOutput, TrainingPlan Plan) Build(string[] seen, string[] candidates, float[]? offsets);

    /// <summary>
    /// Trains on the seen-class rows and returns the zero-shot model; in generalised mode the seen
    /// classes' penalty is chosen first unless <see cref="ZeroShotTrainingOptions.SeenClassPenalty"/> is set.
    /// </summary>
    /// <exception cref="ArgumentException">A column is wrong, a training class is not in the table, or there is no candidate class.</exception>
    public sealed override NetworkTransformer Fit(IDataView input)
    {
        var (rows, seen, candidates) = ZeroShotTraining.Read(input, Options);
        double? shareRatio = null;
        double penalty = Options.SeenClassPenalty ?? (candidates.Any(seen.Contains) ? Calibrate(rows, seen, candidates, out shareRatio) : 0);
        var (method, spec, vectorOutput, plan) = Build(seen, candidates, ZeroShotModels.SeenOffsets(seen, candidates, penalty));
        var network = ClassifierTrainer.CreateNetwork(spec, rows.Length, Options.Seed, nameof(Options.Network));
        var report = TrainingRun.Execute(Environment, method, Options, rows, network, plan);
        if (shareRatio is double ratio)
            report = report with { Metrics = new Dictionary<string, double>(report.Metrics) { [CalibratedStacking.UnseenShareRatioMetric] = ratio } };
        return new NetworkTransformer(method, network, Options.Device, new ModelInput(Options.FeatureColumnName, "Feature"),
            ZeroShotColumns.Declare(VectorColumnName, vectorOutput, Options.ScoreColumnName, Options.PredictedLabelColumnName, candidates),
            ZeroShotColumns.Lists(seen, candidates), report);
    }

    /// <summary>
    /// Calibrated stacking's penalty chosen without unseen labels (Chao et al. 2016's class split, done
    /// <see cref="ZeroShotTrainingOptions.CalibrationSplits"/> times): in each split some seen classes
    /// stand in for unseen ones, a model trained on the others' rows scores held-out rows of both, and
    /// the penalty of the best harmonic mean averaged over the splits is returned.
    /// </summary>
    private double Calibrate(LabeledRows rows, string[] seen, string[] candidates, out double? shareRatio)
    {
        shareRatio = null;
        // Stand-ins must be candidates (else they could never be predicted); two seen classes must remain to train on.
        var eligible = Enumerable.Range(0, seen.Length).Where(c => candidates.Contains(seen[c])).ToArray();
        if (seen.Length < 3 || eligible.Length < 1) return 0;
        var random = new Random(Options.Seed);
        int heldOut = Math.Clamp((int)Math.Round(Options.CalibrationClassFraction * seen.Length), 1, Math.Min(eligible.Length, seen.Length - 2));
        // One shuffled order, taken in turn: split s holds out the next heldOut classes, wrapping round.
        var order = eligible.OrderBy(_ => random.Next()).ToArray();
        var curves = new List<IReadOnlyList<SeenUnseenPoint>>();
        for (int split = 0; split < Options.CalibrationSplits; split++)
        {
            var standIns = Enumerable.Range(split * heldOut, heldOut).Select(i => order[i % order.Length]).ToHashSet();
            var curve = CalibrationCurve(rows, seen, candidates, standIns, random, split);
            if (curve is not null) curves.Add(curve);
        }
        if (curves.Count == 0) return 0;
        double penalty = CalibratedStacking.ChoosePenalty(curves);
        shareRatio = CalibratedStacking.UnseenShareRatio(curves, penalty);
        return penalty;
    }

    /// <summary>One calibration split: trains without the stand-ins on 80 % of the other classes' rows and sweeps the penalty on the rest (null when the held-out rows are not of both kinds).</summary>
    private IReadOnlyList<SeenUnseenPoint>? CalibrationCurve(LabeledRows rows, string[] seen, string[] candidates, HashSet<int> standIns, Random random, int split)
    {
        var kept = Enumerable.Range(0, seen.Length).Where(c => !standIns.Contains(c)).ToArray();
        var newLabel = kept.Select((c, i) => (c, i)).ToDictionary(p => (long)p.c, p => (long)p.i);
        var train = new List<int>();
        var test = new List<int>();
        foreach (var group in Enumerable.Range(0, rows.Count).GroupBy(i => rows.Labels[i]))
        {
            var shuffled = group.OrderBy(_ => random.Next()).ToArray();
            int trainCount = standIns.Contains((int)group.Key) ? 0 : (int)Math.Ceiling(0.8 * shuffled.Length);
            train.AddRange(shuffled.Take(trainCount));
            test.AddRange(shuffled.Skip(trainCount));
        }
        var pseudoSeen = kept.Select(c => seen[c]).ToArray();
        var (method, spec, _, plan) = Build(pseudoSeen, candidates, null);
        using var network = ClassifierTrainer.CreateNetwork(spec, rows.Length, Options.Seed + split, nameof(Options.Network));
        TrainingRun.Execute(Environment, $"{method} calibration {split + 1}/{Options.CalibrationSplits}", Options, rows.Select(train, label => newLabel[label]), network, plan);

        var held = rows.Select(test, label => label);
        using var runner = new ModelRunner(network, Devices.Resolve(Options.Device), [ZeroShotModels.Scores]);
        var scores = runner.PredictAll(held.Features, held.Count);
        var scored = Enumerable.Range(0, held.Count).Select(i => (scores[(i * candidates.Length)..((i + 1) * candidates.Length)], seen[held.Labels[i]])).ToArray();
        if (!scored.Any(r => pseudoSeen.Contains(r.Item2)) || !scored.Any(r => !pseudoSeen.Contains(r.Item2))) return null;
        return SeenUnseenCurve.Compute(scored, candidates, pseudoSeen.ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>The input schema plus the vector, Score and PredictedLabel.</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ColumnChecks.FloatVector(inputSchema, Options.FeatureColumnName, "Feature");
        ColumnChecks.KeyLabel(inputSchema, Options.LabelColumnName);
        return ZeroShotTraining.OutputShape(inputSchema, VectorColumnName, Options);
    }
}
