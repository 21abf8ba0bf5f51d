using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.ZeroShot;

/// <summary>Zero-shot accuracy measures.</summary>
public sealed class ZeroShotMetrics
{
    /// <summary>Rows measured.</summary>
    public long Rows { get; init; }

    /// <summary>Share of rows whose true class got the highest score.</summary>
    public double Top1Accuracy { get; init; }

    /// <summary>k of <see cref="HitAtK"/>.</summary>
    public int K { get; init; }

    /// <summary>Share of rows whose true class is among the k highest scores (hit@k).</summary>
    public double HitAtK { get; init; }

    /// <summary>Top-1 accuracy of each true class's rows.</summary>
    public IReadOnlyDictionary<string, double> PerClassAccuracy { get; init; } = new Dictionary<string, double>();

    /// <summary>The mean of <see cref="PerClassAccuracy"/> (the usual zero-shot measure).</summary>
    public double MeanPerClassAccuracy { get; init; }

    /// <summary>Generalised zero-shot: mean per-class accuracy over the seen classes (null when not asked).</summary>
    public double? SeenAccuracy { get; init; }

    /// <summary>Generalised zero-shot: mean per-class accuracy over the unseen classes.</summary>
    public double? UnseenAccuracy { get; init; }

    /// <summary>Generalised zero-shot: harmonic mean of seen and unseen accuracy, 2su / (s + u).</summary>
    public double? HarmonicMean { get; init; }

    /// <summary>
    /// Generalised zero-shot: the seen–unseen accuracy curve (Chao et al. 2016) as the penalty
    /// subtracted from every seen class's score rises, from every row going to a seen class to none
    /// doing so. Null unless the seen classes were given and the candidates mix seen and unseen classes.
    /// </summary>
    public IReadOnlyList<SeenUnseenPoint>? SeenUnseenCurve { get; init; }

    /// <summary>Area under <see cref="SeenUnseenCurve"/> (AUSUC; unseen accuracy on the x axis): 1 is perfect, and it does not depend on any one penalty.</summary>
    public double? Ausuc { get; init; }

    /// <summary>
    /// The curve's point of highest harmonic mean. It is chosen with these rows' labels, so it is the
    /// best a penalty could do here, not an estimate of a deployed model: to deploy, choose the penalty
    /// on seen classes held out from training (what the trained zero-shot methods do by default in
    /// generalised mode; for ConSE, <c>TransferLearningCatalog.ChooseConSEPenalty</c>, or
    /// <see cref="CalibratedStacking.ChoosePenalty(IEnumerable{ZeroShotMetrics})"/> over the metrics of
    /// classifiers trained without some seen classes).
    /// </summary>
    public SeenUnseenPoint? BestCalibration { get; init; }
}

/// <summary>Scores a zero-shot model's output against the true class names.</summary>
internal static class ZeroShotEvaluator
{
    public static ZeroShotMetrics Evaluate(IDataView scored, string trueClassColumnName, string scoreColumnName, int k, IReadOnlyCollection<string>? seenClasses)
    {
        ArgumentNullException.ThrowIfNull(scored);
        if (k < 1) throw new ArgumentException($"k must be at least 1, but is {k}.", nameof(k));
        var score = Data.ColumnChecks.FloatVector(scored.Schema, scoreColumnName, "Score");
        if (score.Annotations.Schema.GetColumnOrNull(Data.AnnotationKinds.SlotNames) is null)
            throw new ArgumentException($"Score column '{scoreColumnName}' has no slot names to name its candidate classes.", nameof(scoreColumnName));
        VBuffer<ReadOnlyMemory<char>> slotNames = default;
        score.GetSlotNames(ref slotNames);
        var candidates = slotNames.DenseValues().Select(n => n.ToString()).ToArray();
        var truth = scored.Schema.GetColumnOrNull(trueClassColumnName)
            ?? throw new ArgumentException($"True-class column '{trueClassColumnName}' was not found.", nameof(trueClassColumnName));
        var readTruth = TruthReader(truth);

        long rows = 0, top1 = 0, topK = 0;
        var perClass = new Dictionary<string, (long Rows, long Correct)>(StringComparer.Ordinal);
        var seenSet = seenClasses?.ToHashSet(StringComparer.Ordinal);
        bool curve = seenSet is not null && candidates.Any(seenSet.Contains) && !candidates.All(seenSet.Contains);
        var kept = new List<(float[] Scores, string Truth)>();
        using (var cursor = scored.GetRowCursor([score, truth]))
        {
            var getScore = cursor.GetGetter<VBuffer<float>>(score);
            var getTruth = readTruth(cursor);
            VBuffer<float> values = default;
            while (cursor.MoveNext())
            {
                getScore(ref values);
                string name = getTruth();
                var dense = values.DenseValues().ToArray();
                int index = Array.IndexOf(candidates, name);
                int better = index < 0 ? int.MaxValue : dense.Count(v => v > dense[index]);
                bool hit1 = better == 0, hitK = better < k;
                rows++;
                if (hit1) top1++;
                if (hitK) topK++;
                var (r, c) = perClass.GetValueOrDefault(name);
                perClass[name] = (r + 1, c + (hit1 ? 1 : 0));
                if (curve) kept.Add((dense, name));
            }
        }
        if (rows == 0) throw new InvalidDataException("There are no rows to evaluate.");
        var accuracy = perClass.ToDictionary(kv => kv.Key, kv => (double)kv.Value.Correct / kv.Value.Rows);
        double? seen = null, unseen = null, harmonic = null;
        if (seenClasses is not null)
        {
            var seenValues = accuracy.Where(kv => seenClasses.Contains(kv.Key)).Select(kv => kv.Value).ToArray();
            var unseenValues = accuracy.Where(kv => !seenClasses.Contains(kv.Key)).Select(kv => kv.Value).ToArray();
            seen = seenValues.Length > 0 ? seenValues.Average() : null;
            unseen = unseenValues.Length > 0 ? unseenValues.Average() : null;
            if (seen is double s && unseen is double u) harmonic = s + u > 0 ? 2 * s * u / (s + u) : 0;
        }
        IReadOnlyList<SeenUnseenPoint>? points = curve && seen is not null && unseen is not null ? SeenUnseenCurve.Compute(kept, candidates, seenSet!) : null;
        return new ZeroShotMetrics
        {
            Rows = rows,
            Top1Accuracy = (double)top1 / rows,
            K = k,
            HitAtK = (double)topK / rows,
            PerClassAccuracy = accuracy,
            MeanPerClassAccuracy = accuracy.Values.Average(),
            SeenAccuracy = seen,
            UnseenAccuracy = unseen,
            HarmonicMean = harmonic,
            SeenUnseenCurve = points,
            Ausuc = points is null ? null : SeenUnseenCurve.Area(points),
            BestCalibration = points is null ? null : SeenUnseenCurve.Best(points),
        };
    }

    /// <summary>Reads class names from a text column or a key column with text key values.</summary>
    private static Func<DataViewRow, Func<string>> TruthReader(DataViewSchema.Column column)
    {
        if (column.Type is TextDataViewType)
            return row =>
            {
                var get = row.GetGetter<ReadOnlyMemory<char>>(column);
                ReadOnlyMemory<char> value = default;
                return () => { get(ref value); return value.ToString(); };
            };
        if (column.Type is KeyDataViewType && Data.KeyValues.FromColumn(column) is { ItemType: TextDataViewType } names)
            return row =>
            {
                var get = Data.KeyReader.Getter(row, column);
                return () => get() is ulong key and > 0 ? names.Names[(int)key - 1] : "";
            };
        throw new ArgumentException($"True-class column '{column.Name}' must be text, or a key with text key values; it is {column.Type}.", nameof(column));
    }
}
