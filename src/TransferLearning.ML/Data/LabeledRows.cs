using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.Data;

/// <summary>
/// Training rows read out of an <see cref="IDataView"/> into one dense, row-major float array and
/// 0-based class indices: the form the training loop moves to the device in one copy. Reading
/// checks every value, so bad data fails here with the row and column named.
/// </summary>
internal sealed class LabeledRows
{
    private LabeledRows(float[] features, long[] labels, int count, int length)
    {
        Features = features;
        Labels = labels;
        Count = count;
        Length = length;
    }

    /// <summary>Rows already read and checked elsewhere (e.g. several feature columns side by side), without labels.</summary>
    public static LabeledRows FromFeatures(float[] features, int count, int length) => new(features, [], count, length);

    /// <summary>The rows at <paramref name="indices"/>, in that order, with their labels mapped by <paramref name="relabel"/>.</summary>
    public LabeledRows Select(IReadOnlyList<int> indices, Func<long, long> relabel)
    {
        var features = new float[(long)indices.Count * Length];
        for (int i = 0; i < indices.Count; i++) Array.Copy(Features, (long)indices[i] * Length, features, (long)i * Length, Length);
        return new(features, Labels.Length == 0 ? [] : indices.Select(i => relabel(Labels[i])).ToArray(), indices.Count, Length);
    }

    /// <summary>Row-major features, <see cref="Count"/> x <see cref="Length"/>.</summary>
    public float[] Features { get; }

    /// <summary>0-based class index of each row; empty when no label column was read.</summary>
    public long[] Labels { get; }

    /// <summary>Number of rows.</summary>
    public int Count { get; }

    /// <summary>Floats per row.</summary>
    public int Length { get; }

    /// <summary>Reads every row's features and, when <paramref name="label"/> is given, its key label (which every row must have).</summary>
    /// <exception cref="InvalidDataException">No rows; a NaN or infinite feature; a missing label.</exception>
    public static LabeledRows Read(IDataView data, DataViewSchema.Column features, DataViewSchema.Column? label)
    {
        var rows = new Builder(features, label, CapacityHint(data));
        DataViewSchema.Column[] columns = label is DataViewSchema.Column l ? [features, l] : [features];
        using (var cursor = data.GetRowCursor(columns))
        {
            var reader = new RowReader(cursor, features, label);
            for (long row = 0; cursor.MoveNext(); row++) rows.Add(reader, row, label is not null);
        }
        if (rows.Count == 0) throw new InvalidDataException("The training data has no rows.");
        return rows.Build();
    }

    /// <summary>
    /// Reads one view holding two domains: rows whose <paramref name="domain"/> is false are the
    /// source, rows where it is true the target. Source labels are read when <paramref name="label"/>
    /// is given (every source row must have one); target labels never are.
    /// </summary>
    /// <exception cref="InvalidDataException">No source or no target rows; a NaN feature; a source row without a label.</exception>
    public static (LabeledRows Source, LabeledRows Target) ReadDomains(IDataView data, DataViewSchema.Column features, DataViewSchema.Column? label,
        DataViewSchema.Column domain)
    {
        var source = new Builder(features, label, CapacityHint(data));
        var target = new Builder(features, null, CapacityHint(data));
        DataViewSchema.Column[] columns = label is DataViewSchema.Column l ? [features, l, domain] : [features, domain];
        using (var cursor = data.GetRowCursor(columns))
        {
            var reader = new RowReader(cursor, features, label);
            var getDomain = cursor.GetGetter<bool>(domain);
            bool isTarget = false;
            for (long row = 0; cursor.MoveNext(); row++)
            {
                getDomain(ref isTarget);
                (isTarget ? target : source).Add(reader, row, readLabel: !isTarget && label is not null);
            }
        }
        if (source.Count == 0)
            throw new InvalidDataException($"The data has no source rows (where '{domain.Name}' is false): the source supplies the labels.");
        if (target.Count == 0)
            throw new InvalidDataException(
                $"The data has no target rows (where '{domain.Name}' is true). Combine source and target data with mlContext.TransferLearning().CombineDomains.");
        return (source.Build(), target.Build());
    }

    private static int CapacityHint(IDataView data) => data.GetRowCount() is long n and > 0 and < 1 << 24 ? (int)n : 1024;

    /// <summary>The getters of one cursor.</summary>
    private sealed class RowReader(DataViewRow cursor, DataViewSchema.Column features, DataViewSchema.Column? label)
    {
        private readonly ValueGetter<VBuffer<float>> _features = cursor.GetGetter<VBuffer<float>>(features);
        private readonly Func<ulong>? _label = label is DataViewSchema.Column l ? KeyReader.Getter(cursor, l) : null;
        private VBuffer<float> _buffer;

        public string FeatureName => features.Name;

        public string LabelName => label?.Name ?? "";

        public void ReadFeatures(Span<float> destination, long row)
        {
            _features(ref _buffer);
            if (_buffer.Length != destination.Length)
                throw new InvalidDataException($"Feature column '{features.Name}' holds {_buffer.Length} values at row {row}; its type declares {destination.Length}.");
            _buffer.CopyTo(destination);
        }

        public ulong ReadLabel() => _label!();
    }

    /// <summary>Grows the arrays as rows arrive and checks each row.</summary>
    private sealed class Builder
    {
        // Squares of larger values overflow float32 (3.4e38) in any loss or normalisation.
        private const float MaximumMagnitude = 1e18f;

        private readonly int _length;
        private readonly bool _labelled;
        private float[] _values;
        private long[] _labels;

        public Builder(DataViewSchema.Column features, DataViewSchema.Column? label, int capacity)
        {
            _length = ((VectorDataViewType)features.Type).Size;
            _labelled = label is not null;
            int rows = (int)Math.Min(Math.Max(1, capacity), Array.MaxLength / _length);
            _values = new float[rows * _length];
            _labels = _labelled ? new long[rows] : [];
        }

        public int Count { get; private set; }

        public void Add(RowReader reader, long row, bool readLabel)
        {
            if ((long)(Count + 1) * _length > Array.MaxLength)
                throw new InvalidDataException($"The training data is too large to hold in memory ({Count} rows of {_length} floats).");
            if ((Count + 1) * _length > _values.Length) Array.Resize(ref _values, (int)Math.Min(Array.MaxLength, 2L * _values.Length + _length));
            if (readLabel)
            {
                ulong key = reader.ReadLabel();
                if (key == 0)
                    throw new InvalidDataException(
                        $"Label column '{reader.LabelName}' is missing at row {row}: every labelled training row needs a label. " +
                        "Remove unlabelled rows first, e.g. with mlContext.Data.FilterRowsByMissingValues on the raw label, " +
                        "or map only known values with MapValueToKey.");
                if (Count == _labels.Length) Array.Resize(ref _labels, 2 * _labels.Length);
                _labels[Count] = (long)(key - 1);
            }
            var values = _values.AsSpan(Count * _length, _length);
            reader.ReadFeatures(values, row);
            for (int i = 0; i < values.Length; i++)
            {
                if (!float.IsFinite(values[i]))
                    throw new InvalidDataException(
                        $"Feature column '{reader.FeatureName}' has {values[i]} at row {row}, slot {i}. Replace missing values first " +
                        "(mlContext.Transforms.ReplaceMissingValues) or drop those rows.");
                if (Math.Abs(values[i]) > MaximumMagnitude)
                    throw new InvalidDataException(
                        $"Feature column '{reader.FeatureName}' has {values[i]} at row {row}, slot {i}: values beyond ±{MaximumMagnitude:G0} overflow single-precision " +
                        "training. Scale the column first (e.g. mlContext.Transforms.NormalizeMinMax or NormalizeMeanVariance).");
            }
            Count++;
        }

        public LabeledRows Build()
        {
            Array.Resize(ref _values, Count * _length);
            if (_labelled) Array.Resize(ref _labels, Count);
            return new LabeledRows(_values, _labels, Count, _length);
        }
    }
}
