using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.ZeroShot;

/// <summary>
/// Chooses ConSE's seen-class penalty the way the trained zero-shot methods choose theirs (Chao et
/// al. 2016's class split, several times): ConSE's classifier is the caller's, so the caller says how
/// to train one, and each split trains it without some seen classes.
/// </summary>
internal static class ConSECalibration
{
    private const string KeptClassKey = "__ConSECalibrationKey", Truth = "__ConSECalibrationTruth";

    public static double ChoosePenalty(MLContext ml, IDataView seenRows, Func<IDataView, ITransformer> fitClassifier, ConSEOptions options,
        string labelColumnName, int splits, double classFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(seenRows);
        ArgumentNullException.ThrowIfNull(fitClassifier);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (splits < 1) throw new ArgumentException($"splits must be at least 1, but is {splits}.", nameof(splits));
        if (!(classFraction > 0 && classFraction < 1)) throw new ArgumentException($"classFraction must be in (0, 1), but is {classFraction}.", nameof(classFraction));
        var classes = ClassNames(seenRows, labelColumnName);
        if (classes.Length < 3)
            throw new ArgumentException($"Label column '{labelColumnName}' has {classes.Length} classes; choosing a penalty holds some out and needs at least 3.", nameof(seenRows));
        var missing = classes.Where(c => !options.ClassDescriptions!.Contains(c)).ToArray();
        if (missing.Length > 0)
            throw new ArgumentException($"Training classes missing from the class description table: {string.Join(", ", missing.Take(5))}.", nameof(seenRows));

        var random = new Random(seed);
        int heldOut = Math.Clamp((int)Math.Round(classFraction * classes.Length), 1, classes.Length - 2);
        var order = classes.OrderBy(_ => random.Next()).ToArray();
        var generalized = new ConSEOptions
        {
            ClassDescriptions = options.ClassDescriptions, TopCount = options.TopCount, InputScoreColumnName = options.InputScoreColumnName,
            Mode = ZeroShotMode.Generalized,
        };
        var curves = new List<ZeroShotMetrics>();
        for (int split = 0; split < splits; split++)
        {
            var standIns = Enumerable.Range(split * heldOut, heldOut).Select(i => order[i % order.Length]).ToArray();
            var trained = classes.Where(c => !standIns.Contains(c)).ToArray();
            // 80 % of the rows train (the stand-ins' taken out), 20 % of every class are held out to score.
            var parts = ml.Data.TrainTestSplit(seenRows, testFraction: 0.2, seed: seed + split);
            var classifier = fitClassifier(WithoutClasses(ml, parts.TrainSet, labelColumnName, trained));
            try
            {
                // The true class is copied first: the classifier's pipeline may turn the label column into its own key, unknown for the stand-ins.
                var held = ml.Transforms.CopyColumns(Truth, labelColumnName).Fit(parts.TestSet).Transform(parts.TestSet);
                var scored = classifier.Transform(held);
                var probe = new ConSEProjector(generalized).Fit(scored);
                curves.Add(ZeroShotEvaluator.Evaluate(probe.Transform(scored), Truth, generalized.ScoreColumnName, 1, trained));
            }
            finally
            {
                (classifier as IDisposable)?.Dispose();
            }
        }
        return CalibratedStacking.ChoosePenalty(curves);
    }

    private static string[] ClassNames(IDataView rows, string labelColumnName)
    {
        var column = rows.Schema.GetColumnOrNull(labelColumnName)
            ?? throw new ArgumentException($"Label column '{labelColumnName}' was not found.", nameof(labelColumnName));
        if (column.Type is not TextDataViewType)
            throw new ArgumentException($"Label column '{labelColumnName}' must hold the class names as text, but is {column.Type}.", nameof(labelColumnName));
        var names = new HashSet<string>(StringComparer.Ordinal);
        using var cursor = rows.GetRowCursor([column]);
        var get = cursor.GetGetter<ReadOnlyMemory<char>>(column);
        ReadOnlyMemory<char> value = default;
        while (cursor.MoveNext())
        {
            get(ref value);
            names.Add(value.ToString());
        }
        return names.Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>
    /// The rows of the kept classes only: a key over the kept classes leaves the stand-ins' rows
    /// missing, and ML.NET's missing-value filter drops them.
    /// </summary>
    private static IDataView WithoutClasses(MLContext ml, IDataView rows, string labelColumnName, string[] kept)
    {
        var keyOrder = ml.Data.LoadFromEnumerable(kept.Select(n => new ClassName { Name = n }));
        var keyed = ml.Transforms.Conversion.MapValueToKey(KeptClassKey, labelColumnName, keyData: keyOrder).Fit(rows).Transform(rows);
        var filtered = ml.Data.FilterRowsByMissingValues(keyed, KeptClassKey);
        return ml.Transforms.DropColumns(KeptClassKey).Fit(filtered).Transform(filtered);
    }

    private sealed class ClassName
    {
        public string Name { get; set; } = "";
    }
}
