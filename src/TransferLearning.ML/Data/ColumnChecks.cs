using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.Data;

/// <summary>
/// The input-column checks every estimator and transformer makes, with messages that name the
/// column, what was found and what to do about it.
/// </summary>
internal static class ColumnChecks
{
    /// <summary>A known-size vector of Single, of <paramref name="expectedLength"/> slots when given.</summary>
    public static DataViewSchema.Column FloatVector(DataViewSchema schema, string name, string role, int? expectedLength = null)
    {
        var column = Find(schema, name, role);
        if (column.Type is not VectorDataViewType { ItemType: var item, IsKnownSize: true } vector || item != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(schema), NotAFloatVector(role, name, column.Type.ToString() ?? "?"));
        if (expectedLength is int length && vector.Size != length)
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"{role} column '{name}' has {vector.Size} values per row, but the model expects {length}.");
        return column;
    }

    /// <summary>A key-typed label with a known number of classes.</summary>
    public static DataViewSchema.Column KeyLabel(DataViewSchema schema, string name)
    {
        var column = Find(schema, name, "Label");
        if (column.Type is not KeyDataViewType key)
            throw new ArgumentOutOfRangeException(nameof(schema), NotAKey(name, column.Type.ToString() ?? "?"));
        if (key.Count == 0 || key.Count > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(schema), $"Label column '{name}' is a key type with an unknown or huge number of classes ({key.Count}).");
        return column;
    }

    /// <summary>A Boolean scalar column, such as a domain flag.</summary>
    public static DataViewSchema.Column Boolean(DataViewSchema schema, string name, string role)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var column = schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(schema),
            Missing(role, name, schema.Where(c => !c.IsHidden).Select(c => c.Name)) +
            " mlContext.TransferLearning().CombineDomains adds a domain column to source and target data.");
        if (column.Type != BooleanDataViewType.Instance)
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"{role} column '{name}' must be Boolean (true on target rows), but is {column.Type}. mlContext.TransferLearning().CombineDomains adds it.");
        return column;
    }

    /// <summary>The <see cref="SchemaShape"/> form of <see cref="Boolean(DataViewSchema, string, string)"/>.</summary>
    public static SchemaShape.Column Boolean(SchemaShape schema, string name, string role)
    {
        if (!schema.TryFindColumn(name, out var column))
            throw new ArgumentOutOfRangeException(nameof(schema), Missing(role, name, schema.Select(c => c.Name)) +
                " mlContext.TransferLearning().CombineDomains adds a domain column to source and target data.");
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.ItemType != BooleanDataViewType.Instance)
            throw new ArgumentOutOfRangeException(nameof(schema), $"{role} column '{name}' must be Boolean, but is {Describe(column)}.");
        return column;
    }

    /// <summary>The <see cref="SchemaShape"/> form of <see cref="FloatVector(DataViewSchema, string, string, int?)"/>.</summary>
    public static SchemaShape.Column FloatVector(SchemaShape schema, string name, string role)
    {
        if (!schema.TryFindColumn(name, out var column))
            throw new ArgumentOutOfRangeException(nameof(schema), Missing(role, name, schema.Select(c => c.Name)));
        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single || column.IsKey)
            throw new ArgumentOutOfRangeException(nameof(schema), NotAFloatVector(role, name, Describe(column)));
        return column;
    }

    /// <summary>The <see cref="SchemaShape"/> form of <see cref="KeyLabel(DataViewSchema, string)"/>.</summary>
    public static SchemaShape.Column KeyLabel(SchemaShape schema, string name)
    {
        if (!schema.TryFindColumn(name, out var column))
            throw new ArgumentOutOfRangeException(nameof(schema), Missing("Label", name, schema.Select(c => c.Name)));
        if (!column.IsKey || column.Kind != SchemaShape.Column.VectorKind.Scalar)
            throw new ArgumentOutOfRangeException(nameof(schema), NotAKey(name, Describe(column)));
        return column;
    }

    private static bool TryFindColumn(this SchemaShape schema, string name, out SchemaShape.Column column)
    {
        foreach (var candidate in schema)
        {
            if (candidate.Name != name) continue;
            column = candidate;
            return true;
        }
        column = default;
        return false;
    }

    private static DataViewSchema.Column Find(DataViewSchema schema, string name, string role)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(nameof(schema), Missing(role, name, schema.Where(c => !c.IsHidden).Select(c => c.Name)));
    }

    private static string Missing(string role, string name, IEnumerable<string> available) =>
        $"{role} column '{name}' was not found in the input. Columns present: {string.Join(", ", available.Select(n => $"'{n}'"))}.";

    private static string NotAFloatVector(string role, string name, string found) =>
        $"{role} column '{name}' must be a known-size vector of Single (float), but is {found}. " +
        "Build one with mlContext.Transforms.Concatenate (and Conversion.ConvertType for other number types).";

    private static string NotAKey(string name, string found) =>
        $"Label column '{name}' must be a key type, but is {found}. Map it with mlContext.Transforms.Conversion.MapValueToKey(\"{name}\").";

    private static string Describe(SchemaShape.Column column) =>
        $"{column.Kind} of {(column.IsKey ? "Key<" + column.ItemType + ">" : column.ItemType.ToString())}";
}
