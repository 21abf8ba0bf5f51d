using Microsoft.ML;
using TransferLearning.ML.Data;

namespace TransferLearning.ML.MultiTask;

/// <summary>Reads the rows of one or several feature columns as one row-major array, each row's columns one after another.</summary>
internal static class TaskInputs
{
    /// <exception cref="InvalidDataException">No rows, or a NaN or infinite feature (the message names the column).</exception>
    public static LabeledRows Read(IDataView data, IReadOnlyList<DataViewSchema.Column> columns)
    {
        if (columns.Count == 1) return LabeledRows.Read(data, columns[0], null);
        // Each column is read and checked on its own pass (cursors over the same view visit rows in the same order), then interleaved.
        var parts = columns.Select(c => LabeledRows.Read(data, c, null)).ToArray();
        int rows = parts[0].Count, length = parts.Sum(p => p.Length);
        var values = new float[(long)rows * length];
        for (int r = 0; r < rows; r++)
        {
            int offset = r * length;
            foreach (var part in parts)
            {
                part.Features.AsSpan(r * part.Length, part.Length).CopyTo(values.AsSpan(offset));
                offset += part.Length;
            }
        }
        return LabeledRows.FromFeatures(values, rows, length);
    }
}
