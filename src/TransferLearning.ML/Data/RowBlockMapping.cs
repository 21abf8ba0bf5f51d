using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.Data;

/// <summary>Computes <paramref name="rows"/> output rows from as many input rows, each laid out one after another.</summary>
internal delegate void BlockFunction(ReadOnlySpan<float> input, int rows, Span<float> output);

/// <summary>
/// The part every network transformer shares: one float-vector input column, a function that maps
/// blocks of rows to blocks of outputs, and the columns derived from those outputs. It gives the
/// output schema, a lazy batched <see cref="IDataView"/> for Transform and a row-at-a-time
/// <see cref="IRowToRowMapper"/> for PredictionEngine.
/// </summary>
internal sealed class RowBlockMapping
{
    /// <summary>Rows per forward pass in Transform: large enough to amortise the call, small enough to stay in cache.</summary>
    public const int DefaultBlockSize = 256;

    public RowBlockMapping(string inputColumnName, string inputRole, int inputLength, int outputLength, BlockFunction compute,
        IReadOnlyList<OutputColumn> columns, int blockSize = DefaultBlockSize)
    {
        InputColumnName = inputColumnName;
        InputRole = inputRole;
        InputLength = inputLength;
        OutputLength = outputLength;
        Compute = compute;
        Columns = columns;
        BlockSize = blockSize;
    }

    public string InputColumnName { get; }

    /// <summary>How error messages name the input column, e.g. "Feature".</summary>
    public string InputRole { get; }

    public int InputLength { get; }

    public int OutputLength { get; }

    public BlockFunction Compute { get; }

    public IReadOnlyList<OutputColumn> Columns { get; }

    public int BlockSize { get; }

    /// <summary>The input column, checked for type and size.</summary>
    public DataViewSchema.Column CheckInput(DataViewSchema schema) => ColumnChecks.FloatVector(schema, InputColumnName, InputRole, InputLength);

    /// <summary>The input's columns followed by <see cref="Columns"/> (a same-named input column is hidden, as ML.NET does).</summary>
    public DataViewSchema OutputSchema(DataViewSchema input)
    {
        CheckInput(input);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(input);
        foreach (var column in Columns) builder.AddColumn(column.Name, column.Type, column.Annotations);
        return builder.ToSchema();
    }

    public IDataView Transform(IDataView input) => new BatchedMappedDataView(this, input);

    public IRowToRowMapper RowMapper(DataViewSchema input) => new MappedRowMapper(this, input);

    /// <summary>Which of <see cref="Columns"/> the requested columns include (outputs sit past the input's columns).</summary>
    public bool[] ActiveOutputs(DataViewSchema input, IEnumerable<DataViewSchema.Column> columns)
    {
        var active = new bool[Columns.Count];
        foreach (var column in columns)
            if (column.Index >= input.Count) active[column.Index - input.Count] = true;
        return active;
    }

    /// <summary>Computes one row (PredictionEngine's path, and shuffled cursors').</summary>
    public void ComputeRow(in VBuffer<float> features, float[] inputScratch, float[] output)
    {
        features.CopyTo(inputScratch);
        Compute(inputScratch, 1, output);
    }
}

/// <summary>The getters of a row's output columns, built once per row or cursor.</summary>
internal sealed class OutputGetters
{
    private readonly int _firstIndex;
    private readonly bool[] _active;
    private readonly Delegate?[] _getters;

    public OutputGetters(RowBlockMapping mapping, int firstIndex, bool[] active, CurrentOutputs outputs)
    {
        _firstIndex = firstIndex;
        _active = active;
        _getters = mapping.Columns.Select((c, i) => active[i] ? c.MakeGetter(outputs) : null).ToArray();
    }

    public bool AnyActive => _active.Any(a => a);

    public bool IsActive(int index) => _active[index - _firstIndex];

    public ValueGetter<TValue> Get<TValue>(DataViewSchema.Column column)
    {
        var getter = _getters[column.Index - _firstIndex]
            ?? throw new InvalidOperationException($"Column '{column.Name}' was not requested from this cursor.");
        return getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{column.Name}' is {column.Type}; it cannot be read as {typeof(TValue).Name}.");
    }
}
