using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.ZeroShot;

namespace TransferLearning.ML.ZeroShot;

/// <summary>
/// Chooses calibrated stacking's seen-class penalty (Chao, Changpinyo, Gong and Sha, ECCV 2016) from
/// several calibration splits at once: in each split some seen classes stood in for unseen ones, and
/// the penalty kept is the one of the highest harmonic mean averaged over the splits. One split's best
/// point depends on which classes stood in: on Fashion-MNIST one split per seed sent almost every row
/// to one side in some seeds (ConSE on WordNet hypernyms: harmonic mean 7.8 ± 13.4 %, uncalibrated
/// 34.7 %), so the trained zero-shot methods average several by default
/// (<see cref="ZeroShotTrainingOptions.CalibrationSplits"/>).
/// </summary>
public static class CalibratedStacking
{
    /// <summary>
    /// The penalty of the highest mean harmonic mean over the splits' seen–unseen curves (the smallest
    /// such penalty among ties). With one split it is that split's <see cref="ZeroShotMetrics.BestCalibration"/>.
    /// </summary>
    /// <param name="splits">
    /// <c>EvaluateZeroShot</c> metrics of each split: a model trained without its stand-in classes,
    /// scored on held-out rows of the stand-ins and of the classes it was trained on, with
    /// <c>seenClasses</c> the classes it was trained on (so that <see cref="ZeroShotMetrics.SeenUnseenCurve"/> is set).
    /// </param>
    /// <exception cref="ArgumentException">No split is given, or one has no seen–unseen curve.</exception>
    public static double ChoosePenalty(IEnumerable<ZeroShotMetrics> splits)
    {
        ArgumentNullException.ThrowIfNull(splits);
        var curves = splits.Select((m, i) => m.SeenUnseenCurve ?? throw new ArgumentException(
            $"Calibration split {i} has no seen-unseen curve: evaluate it with seenClasses set to the classes its model was trained on.", nameof(splits))).ToArray();
        return ChoosePenalty(curves);
    }

    /// <summary>
    /// The penalty <paramref name="model"/> subtracts from every seen class's score (its calibrated
    /// stacking offset; 0 when it has none), e.g. to print what calibration chose or to pass it on as
    /// a <c>SeenClassPenalty</c> option.
    /// </summary>
    /// <exception cref="ArgumentException">The model is not a zero-shot model.</exception>
    public static double SeenClassPenalty(NetworkTransformer model)
    {
        var (seen, candidates, head) = Parts(model);
        int firstSeen = candidates.ToList().FindIndex(seen.Contains);
        return firstSeen < 0 || head.Offsets is null ? 0 : head.Offsets[firstSeen];
    }

    /// <summary>A zero-shot model's seen and candidate classes and its candidate-scores head.</summary>
    /// <exception cref="ArgumentException">The model is not a zero-shot model.</exception>
    internal static (IReadOnlyList<string> Seen, IReadOnlyList<string> Candidates, CandidateScoresSpec Head) Parts(NetworkTransformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (!model.ClassLists.TryGetValue(ZeroShotColumns.Seen, out var seen) || !model.ClassLists.TryGetValue(ZeroShotColumns.Candidates, out var candidates)
            || model.ModelSpec.Heads.LastOrDefault(h => h.Name == ZeroShotModels.Scores) is not CandidateScoresSpec head)
            throw new ArgumentException($"Model '{model.Method}' is not a zero-shot model (attributes, attribute embedding or ConSE).", nameof(model));
        return (seen, candidates, head);
    }

    /// <summary>The penalty of the highest mean harmonic mean over these curves (see the public overload).</summary>
    internal static double ChoosePenalty(IReadOnlyList<IReadOnlyList<SeenUnseenPoint>> curves)
    {
        if (curves.Count == 0 || curves.Any(c => c.Count == 0))
            throw new ArgumentException("Choosing a seen-class penalty needs at least one calibration split with a seen-unseen curve.", nameof(curves));
        // Every curve's points are candidates. A curve is read at a penalty by its last point at or
        // below it: the points sit midway between the row margins where the curve steps, so this is
        // exact at the curve's own points and at most one row's step off elsewhere.
        var candidates = curves.SelectMany(c => c.Select(p => p.Penalty)).Distinct().Order().ToArray();
        double bestPenalty = candidates[0], bestMean = double.NegativeInfinity;
        foreach (double penalty in candidates)
        {
            double mean = curves.Average(curve => At(curve, penalty).HarmonicMean);
            if (mean > bestMean) (bestPenalty, bestMean) = (penalty, mean);
        }
        return bestPenalty;
    }

    /// <summary>
    /// Training-report metric of the trained zero-shot methods' class-split calibration: how many times
    /// their true share of held-out rows the stand-in classes got at the chosen penalty (see <see cref="UnseenShareRatio"/>).
    /// </summary>
    internal const string UnseenShareRatioMetric = "calibration-unseen-share-ratio";

    /// <summary>
    /// How many times its true share of rows the unseen side gets at <paramref name="penalty"/>,
    /// averaged over the curves: the over-prediction of the stand-in classes that the chosen penalty
    /// implies (above 1 when the best harmonic mean gives the unseen side more rows than it has).
    /// </summary>
    internal static double UnseenShareRatio(IReadOnlyList<IReadOnlyList<SeenUnseenPoint>> curves, double penalty) =>
        curves.Average(curve => At(curve, penalty) is var point && point.TrueUnseenShare > 0 ? point.PredictedUnseenShare / point.TrueUnseenShare : 1);

    /// <summary>The curve's point in force at this penalty: its last point at or below it (its first below them all).</summary>
    private static SeenUnseenPoint At(IReadOnlyList<SeenUnseenPoint> curve, double penalty)
    {
        int low = 0, high = curve.Count - 1;
        while (low < high)
        {
            int middle = (low + high + 1) / 2;
            if (curve[middle].Penalty <= penalty) low = middle;
            else high = middle - 1;
        }
        return curve[low];
    }
}
