using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Serialization;

namespace TransferLearning.ML.Data;

/// <summary>
/// The base of this package's transformers: each appends columns computed by a network (or a
/// projection) from one float-vector column, lazily and on blocks of rows in Transform, one row at
/// a time for PredictionEngine, and saves itself into ML.NET model files.
/// </summary>
public abstract class RowMappingTransformer : ITransformer
{
    private protected RowMappingTransformer()
    {
    }

    /// <summary>Always true: rows map one to one.</summary>
    public bool IsRowToRowMapper => true;

    private protected abstract RowBlockMapping Mapping { get; }

    /// <summary>The header ML.NET writes before the part: signature, versions, loader.</summary>
    private protected abstract object VersionInfo { get; }

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
        MlNetInternals.BeginSave(ctx, VersionInfo);
        Save(ctx, MlNetInternals.Writer(ctx));
    }

    /// <summary>Writes the part's own data after ML.NET's header.</summary>
    private protected abstract void Save(ModelSaveContext context, BinaryWriter writer);
}
