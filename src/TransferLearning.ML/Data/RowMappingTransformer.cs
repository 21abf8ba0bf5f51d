using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.Data;

/// <summary>
/// The ITransformer plumbing of a transformer that appends columns computed from one float-vector
/// column: lazily and on blocks of rows in Transform, one row at a time for PredictionEngine, and
/// saved into ML.NET model files.
/// </summary>
public abstract class RowMappingTransformer : ITransformer
{
    private protected RowMappingTransformer()
    {
    }

    /// <summary>Always true: rows map one to one.</summary>
    public bool IsRowToRowMapper => true;

    private protected abstract RowBlockMapping Mapping { get; }

    /// <summary>The input schema plus the output columns.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing, or not a float vector of the size the model reads.</exception>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Mapping.OutputSchema(inputSchema);

    /// <summary>A lazy view that computes the output columns on blocks of rows.</summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Mapping.Transform(input);
    }

    /// <summary>A row-at-a-time mapper (used by PredictionEngine).</summary>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) => Mapping.RowMapper(inputSchema);

    void ICanSaveModel.Save(ModelSaveContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        Save(ctx);
    }

    /// <summary>Writes the part: ML.NET's header, then the part's own data.</summary>
    private protected abstract void Save(ModelSaveContext context);
}
