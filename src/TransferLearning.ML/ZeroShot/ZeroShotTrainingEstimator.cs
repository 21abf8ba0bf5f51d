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
        double penalty = Options.SeenClassPenalty ?? (candidates.Any(seen.Contains) ? Calibrate(rows, seen, candidates) : 0);
        var (method, spec, vectorOutput, plan) = Build(seen, candidates, ZeroShotModels.SeenOffsets(seen, candidates, penalty));
        var network = ClassifierTrainer.CreateNetwork(spec, rows.Length, Options.Seed, nameof(Options.Network));
        var report = TrainingRun.Execute(Environment, method, Options, rows, network, plan);
        return new NetworkTransformer(method, network, Options.Device, new ModelInput(Options.FeatureColumnName, "Feature"),
            ZeroShotColumns.Declare(VectorColumnName, vectorOutput, Options.ScoreColumnName, Options.PredictedLabelColumnName, candidates),
            ZeroShotColumns.Lists(seen, candidates), report);
    }

    /// <summary>
    /// Calibrated stacking's penalty chosen without unseen labels (Chao et al. 2016's class split):
    /// some seen classes stand in for unseen ones, a model trained on the others' rows scores held-out
    /// rows of both, and the penalty of the best harmonic mean on them is returned.
    /// </summary>
    private double Calibrate(LabeledRows rows, string[] seen, string[] candidates)
    {
        // Stand-ins must be candidates (else they could never be predicted); two seen classes must remain to train on.
        var eligible = Enumerable.Range(0, seen.Length).Where(c => candidates.Contains(seen[c])).ToArray();
        if (seen.Length < 3 || eligible.Length < 1) return 0;
        var random = new Random(Options.Seed);
        int heldOut = Math.Clamp((int)Math.Round(Options.CalibrationClassFraction * seen.Length), 1, Math.Min(eligible.Length, seen.Length - 2));
        var standIns = eligible.OrderBy(_ => random.Next()).Take(heldOut).ToHashSet();
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
        using var network = ClassifierTrainer.CreateNetwork(spec, rows.Length, Options.Seed, nameof(Options.Network));
        TrainingRun.Execute(Environment, method + " calibration", Options, rows.Select(train, label => newLabel[label]), network, plan);

        var held = rows.Select(test, label => label);
        using var runner = new ModelRunner(network, Devices.Resolve(Options.Device), [ZeroShotModels.Scores]);
        var scores = runner.PredictAll(held.Features, held.Count);
        var scored = Enumerable.Range(0, held.Count).Select(i => (scores[(i * candidates.Length)..((i + 1) * candidates.Length)], seen[held.Labels[i]])).ToArray();
        if (!scored.Any(r => pseudoSeen.Contains(r.Item2)) || !scored.Any(r => !pseudoSeen.Contains(r.Item2))) return 0;
        return SeenUnseenCurve.Best(SeenUnseenCurve.Compute(scored, candidates, pseudoSeen.ToHashSet(StringComparer.Ordinal))).Penalty;
    }

    /// <summary>The input schema plus the vector, Score and PredictedLabel.</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ColumnChecks.FloatVector(inputSchema, Options.FeatureColumnName, "Feature");
        ColumnChecks.KeyLabel(inputSchema, Options.LabelColumnName);
        return ZeroShotTraining.OutputShape(inputSchema, VectorColumnName, Options);
    }
}
