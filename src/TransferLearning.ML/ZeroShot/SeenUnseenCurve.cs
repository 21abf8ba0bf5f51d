namespace TransferLearning.ML.ZeroShot;

/// <summary>
/// One point of the seen–unseen accuracy curve (Chao et al. 2016): the generalised zero-shot
/// accuracies when <see cref="Penalty"/> is subtracted from every seen class's score.
/// </summary>
/// <param name="Penalty">The constant subtracted from the seen classes' scores (on top of any the model applies itself).</param>
/// <param name="SeenAccuracy">Mean per-class accuracy over the seen classes' rows.</param>
/// <param name="UnseenAccuracy">Mean per-class accuracy over the unseen classes' rows.</param>
public sealed record SeenUnseenPoint(double Penalty, double SeenAccuracy, double UnseenAccuracy)
{
    /// <summary>Share of the rows this penalty gives to an unseen candidate (0 at the curve's start, 1 at its end).</summary>
    public double PredictedUnseenShare { get; init; }

    /// <summary>Share of the rows whose true class is unseen (the same at every point of a curve).</summary>
    public double TrueUnseenShare { get; init; }

    /// <summary>2su / (s + u); 0 when both are 0.</summary>
    public double HarmonicMean => SeenAccuracy + UnseenAccuracy > 0 ? 2 * SeenAccuracy * UnseenAccuracy / (SeenAccuracy + UnseenAccuracy) : 0;
}

/// <summary>
/// Calibrated stacking's sweep (Chao, Changpinyo, Gong and Sha, ECCV 2016): a row goes to its best
/// seen candidate when that score minus the penalty beats its best other candidate. Sorting the rows
/// by that margin gives every distinct point of the curve in one pass.
/// </summary>
internal static class SeenUnseenCurve
{
    /// <summary>
    /// The curve from the penalty where every row goes to a seen class to the one where none does, in
    /// order of rising penalty (falling seen and rising unseen accuracy).
    /// </summary>
    /// <param name="rows">Each row's scores over <paramref name="candidates"/> and its true class.</param>
    /// <param name="candidates">The score slots' class names.</param>
    /// <param name="seen">The seen classes; the other classes are unseen.</param>
    /// <exception cref="ArgumentException">The candidates are not a mix of seen and unseen classes, or the rows are not of both.</exception>
    public static IReadOnlyList<SeenUnseenPoint> Compute(IReadOnlyList<(float[] Scores, string Truth)> rows, IReadOnlyList<string> candidates,
        IReadOnlySet<string> seen)
    {
        var isSeen = candidates.Select(seen.Contains).ToArray();
        if (!isSeen.Contains(true) || !isSeen.Contains(false))
            throw new ArgumentException("The seen-unseen curve needs both seen and unseen classes among the candidates (generalised zero-shot).");
        var seenRows = rows.Where(r => seen.Contains(r.Truth)).GroupBy(r => r.Truth).ToDictionary(g => g.Key, g => g.Count());
        var unseenRows = rows.Where(r => !seen.Contains(r.Truth)).GroupBy(r => r.Truth).ToDictionary(g => g.Key, g => g.Count());
        if (seenRows.Count == 0 || unseenRows.Count == 0)
            throw new ArgumentException("The seen-unseen curve needs rows of both seen and unseen classes.");

        // Per row: the margin of its best seen over its best unseen candidate, and what each of the two gets right,
        // weighted so that each class counts equally within its group (mean per-class accuracy).
        var margins = new List<(double Margin, double SeenGain, double UnseenGain)>(rows.Count);
        double seenAccuracy = 0;
        foreach (var (scores, truth) in rows)
        {
            var (bestSeen, bestUnseen) = BestOfEach(scores, isSeen);
            bool truthSeen = seen.Contains(truth);
            double weight = 1.0 / (truthSeen ? seenRows[truth] * seenRows.Count : unseenRows[truth] * unseenRows.Count);
            double seenGain = truthSeen && candidates[bestSeen] == truth ? weight : 0;
            double unseenGain = !truthSeen && candidates[bestUnseen] == truth ? weight : 0;
            seenAccuracy += seenGain;
            margins.Add((scores[bestSeen] - scores[bestUnseen], seenGain, unseenGain));
        }
        margins.Sort((a, b) => a.Margin.CompareTo(b.Margin));

        // A penalty at or above a row's margin sends the row to its unseen candidate.
        double trueUnseenShare = (double)unseenRows.Values.Sum() / rows.Count;
        var points = new List<SeenUnseenPoint> { new(margins[0].Margin - 1, seenAccuracy, 0) { TrueUnseenShare = trueUnseenShare } };
        double unseenAccuracy = 0;
        for (int i = 0; i < margins.Count;)
        {
            double margin = margins[i].Margin;
            for (; i < margins.Count && margins[i].Margin == margin; i++)
            {
                seenAccuracy -= margins[i].SeenGain;
                unseenAccuracy += margins[i].UnseenGain;
            }
            double penalty = i < margins.Count ? (margin + margins[i].Margin) / 2 : margin + 1;
            points.Add(new(penalty, Math.Max(0, seenAccuracy), unseenAccuracy) { PredictedUnseenShare = (double)i / margins.Count, TrueUnseenShare = trueUnseenShare });
        }
        return points;
    }

    /// <summary>
    /// A row's best seen and best unseen candidate (the first among ties): a penalty at or above
    /// scores[bestSeen] − scores[bestUnseen], the row's margin, sends the row to its unseen candidate.
    /// </summary>
    public static (int BestSeen, int BestUnseen) BestOfEach(IReadOnlyList<float> scores, bool[] isSeen)
    {
        int bestSeen = -1, bestUnseen = -1;
        for (int c = 0; c < scores.Count; c++)
            if (isSeen[c]) { if (bestSeen < 0 || scores[c] > scores[bestSeen]) bestSeen = c; }
            else if (bestUnseen < 0 || scores[c] > scores[bestUnseen]) bestUnseen = c;
        return (bestSeen, bestUnseen);
    }

    /// <summary>Area under the curve with unseen accuracy on the x axis (AUSUC), by trapezoids.</summary>
    public static double Area(IReadOnlyList<SeenUnseenPoint> curve)
    {
        double area = 0;
        for (int i = 1; i < curve.Count; i++)
            area += (curve[i].UnseenAccuracy - curve[i - 1].UnseenAccuracy) * (curve[i].SeenAccuracy + curve[i - 1].SeenAccuracy) / 2;
        return area;
    }

    /// <summary>The point of highest harmonic mean (the smallest penalty among ties).</summary>
    public static SeenUnseenPoint Best(IReadOnlyList<SeenUnseenPoint> curve) =>
        curve.Aggregate((best, point) => point.HarmonicMean > best.HarmonicMean ? point : best);
}
