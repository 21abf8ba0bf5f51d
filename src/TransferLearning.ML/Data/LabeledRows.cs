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

    /// <summary>Row-major features, <see cref="Count"/> x <see cref="Length"/>.</summary>
    public float[] Features { get; }

    /// <summary>0-based class index of each row; empty when no label column was read.</summary>
    public long[] Labels { get; }

    /// <summary>Number of rows.</summary>
    public int Count { get; }

    /// <summary>Floats per row.</summary>
    public int Length { get; }

    /// <summary>
    /// Reads every row's features and, when <paramref name="label"/> is given, its key label.
    /// </summary>
    /// <exception cref="InvalidDataException">No rows; a NaN or infinite feature; a missing label.</exception>
    public static LabeledRows Read(IDataView data, DataViewSchema.Column features, DataViewSchema.Column? label)
    {
        int length = ((VectorDataViewType)features.Type).Size;
        long? known = data.GetRowCount();
        int capacity = known is long n and > 0 and < int.MaxValue ? (int)n : 1024;
        var values = new float[checked(capacity * length)];
        var labels = label is null ? [] : new long[capacity];
        int count = 0;

        DataViewSchema.Column[] columns = label is DataViewSchema.Column l ? [features, l] : [features];
        using (var cursor = data.GetRowCursor(columns))
        {
            var getFeatures = cursor.GetGetter<VBuffer<float>>(features);
            var getLabel = label is DataViewSchema.Column lc ? KeyReader.Getter(cursor, lc) : null;
            VBuffer<float> buffer = default;
            while (cursor.MoveNext())
            {
                if ((long)(count + 1) * length > Array.MaxLength)
                    throw new InvalidDataException($"The training data is too large to hold in memory ({count} rows of {length} floats).");
                if ((count + 1) * length > values.Length) Array.Resize(ref values, (int)Math.Min(Array.MaxLength, 2L * values.Length + length));
                if (getLabel is not null)
                {
                    ulong key = getLabel();
                    if (key == 0)
                        throw new InvalidDataException(
                            $"Label column '{label!.Value.Name}' is missing at row {count}: every training row needs a label. " +
                            "Remove unlabelled rows first, e.g. with mlContext.Data.FilterRowsByMissingValues on the raw label, " +
                            "or map only known values with MapValueToKey.");
                    if (count == labels.Length) Array.Resize(ref labels, 2 * labels.Length);
                    labels[count] = (long)(key - 1);
                }
                getFeatures(ref buffer);
                var row = values.AsSpan(count * length, length);
                buffer.CopyTo(row);
                int bad = IndexOfNonFinite(row);
                if (bad >= 0)
                    throw new InvalidDataException(
                        $"Feature column '{features.Name}' has {row[bad]} at row {count}, slot {bad}. Replace missing values first " +
                        "(mlContext.Transforms.ReplaceMissingValues) or drop those rows.");
                count++;
            }
        }
        if (count == 0) throw new InvalidDataException("The training data has no rows.");
        Array.Resize(ref values, count * length);
        if (label is not null) Array.Resize(ref labels, count);
        return new LabeledRows(values, labels, count, length);
    }

    private static int IndexOfNonFinite(ReadOnlySpan<float> row)
    {
        for (int i = 0; i < row.Length; i++)
            if (!float.IsFinite(row[i])) return i;
        return -1;
    }
}
