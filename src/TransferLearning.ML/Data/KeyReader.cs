using Microsoft.ML;

namespace TransferLearning.ML.Data;

/// <summary>Reads a key column of any raw type (byte, ushort, uint, ulong) as a 1-based ulong; 0 means missing.</summary>
internal static class KeyReader
{
    public static Func<ulong> Getter(DataViewRow row, DataViewSchema.Column column)
    {
        var raw = column.Type.RawType;
        if (raw == typeof(uint)) return Widening<uint>(row, column, v => v);
        if (raw == typeof(ulong)) return Widening<ulong>(row, column, v => v);
        if (raw == typeof(ushort)) return Widening<ushort>(row, column, v => v);
        if (raw == typeof(byte)) return Widening<byte>(row, column, v => v);
        throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' is not a key column ({column.Type}).");
    }

    private static Func<ulong> Widening<T>(DataViewRow row, DataViewSchema.Column column, Func<T, ulong> widen)
    {
        var get = row.GetGetter<T>(column);
        T value = default!;
        return () =>
        {
            get(ref value);
            return widen(value);
        };
    }
}
