using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.Data;

/// <summary>Reads a key column of any raw type (byte, ushort, uint, ulong) as a 1-based ulong; 0 means missing.</summary>
internal static class KeyReader
{
    public static Func<ulong> Getter(DataViewRow row, DataViewSchema.Column column)
    {
        switch (column.Type.RawType)
        {
            case var t when t == typeof(uint):
                {
                    var get = row.GetGetter<uint>(column);
                    uint value = 0;
                    return () => { get(ref value); return value; };
                }
            case var t when t == typeof(ulong):
                {
                    var get = row.GetGetter<ulong>(column);
                    ulong value = 0;
                    return () => { get(ref value); return value; };
                }
            case var t when t == typeof(ushort):
                {
                    var get = row.GetGetter<ushort>(column);
                    ushort value = 0;
                    return () => { get(ref value); return value; };
                }
            case var t when t == typeof(byte):
                {
                    var get = row.GetGetter<byte>(column);
                    byte value = 0;
                    return () => { get(ref value); return value; };
                }
            default:
                throw new ArgumentOutOfRangeException(nameof(column), $"Column '{column.Name}' is not a key column ({column.Type}).");
        }
    }
}
