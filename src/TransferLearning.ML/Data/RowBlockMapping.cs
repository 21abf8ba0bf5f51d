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
    /// <param name="inputs">The input columns and their lengths: a row's floats are theirs one after another.</param>
    /// <param name="inputRole">How error messages name an input column, e.g. "Feature".</param>
    /// <param name="outputLength">Floats per output row.</param>
    /// <param name="compute">Maps blocks of rows.</param>
    /// <param name="columns">The output columns.</param>
    /// <param name="blockSize">Rows per block in Transform; 0 (default) sizes blocks by the input length (<see cref="Torch.Inference.RowBlocks"/>).</param>
    public RowBlockMapping(IReadOnlyList<(string Name, int Length)> inputs, string inputRole, int outputLength, BlockFunction compute,
        IReadOnlyList<OutputColumn> columns, int blockSize = 0)
    {
        Inputs = inputs.ToArray();
        InputRole = inputRole;
        InputLength = Inputs.Sum(i => i.Length);
        OutputLength = outputLength;
        Compute = compute;
        Columns = columns;
        BlockSize = blockSize > 0 ? blockSize : Torch.Inference.RowBlocks.For(InputLength);
    }

    /// <summary>The input columns and their lengths.</summary>
    public IReadOnlyList<(string Name, int Length)> Inputs { get; }

    /// <summary>How error messages name the input column, e.g. "Feature".</summary>
    public string InputRole { get; }

    public int InputLength { get; }

    public int OutputLength { get; }

    public BlockFunction Compute { get; }

    public IReadOnlyList<OutputColumn> Columns { get; }

    public int BlockSize { get; }

    /// <summary>The input columns, each checked for type and size.</summary>
    public DataViewSchema.Column[] CheckInputs(DataViewSchema schema) =>
        Inputs.Select(i => ColumnChecks.FloatVector(schema, i.Name, InputRole, i.Length)).ToArray();

    /// <summary>Reads a row's inputs from <paramref name="row"/>'s <paramref name="columns"/> (as <see cref="CheckInputs"/> returned them).</summary>
    public RowInput Reader(DataViewRow row, DataViewSchema.Column[] columns) => new(row, columns, Inputs.Select(i => i.Length).ToArray());

    /// <summary>The input's columns followed by <see cref="Columns"/> (a same-named input column is hidden, as ML.NET does).</summary>
    public DataViewSchema OutputSchema(DataViewSchema input)
    {
        CheckInputs(input);
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
    public void ComputeRow(RowInput input, float[] inputScratch, float[] output)
    {
        input.Read(inputScratch);
        Compute(inputScratch, 1, output);
    }
}

/// <summary>The getters of a row's input columns, filling one span with their floats one after another.</summary>
internal sealed class RowInput
{
    private readonly ValueGetter<VBuffer<float>>[] _getters;
    private readonly string[] _names;
    private readonly int[] _lengths;
    private VBuffer<float> _buffer;

    public RowInput(DataViewRow row, DataViewSchema.Column[] columns, int[] lengths)
    {
        _getters = columns.Select(c => row.GetGetter<VBuffer<float>>(row.Schema[c.Index])).ToArray();
        _names = columns.Select(c => c.Name).ToArray();
        _lengths = lengths;
    }

    public void Read(Span<float> destination)
    {
        int offset = 0;
        for (int i = 0; i < _getters.Length; i++)
        {
            _getters[i](ref _buffer);
            // A PredictionEngine hands over the user's array as it is: a shorter one would leave stale values behind.
            if (_buffer.Length != _lengths[i])
                throw new InvalidDataException($"Column '{_names[i]}' holds {_buffer.Length} values in this row; the model reads vectors of {_lengths[i]}.");
            _buffer.CopyTo(destination.Slice(offset, _lengths[i]));
            offset += _lengths[i];
        }
    }
}

/// <summary>The getters of a row's output columns, built once per row or cursor.</summary>
internal sealed class OutputGetters
{
    private readonly int _firstIndex;
    private readonly bool[] _active;
    private readonly Delegate?[] _getters;
    private readonly SingleCallerGuard? _guard;

    /// <param name="mapping">The mapping whose output columns these are.</param>
    /// <param name="firstIndex">The schema index of the first output column.</param>
    /// <param name="active">Which output columns were requested.</param>
    /// <param name="outputs">The current row's outputs.</param>
    /// <param name="guard">Held around each getter call when the row may be shared by mistake (a PredictionEngine's); null for cursors.</param>
    public OutputGetters(RowBlockMapping mapping, int firstIndex, bool[] active, CurrentOutputs outputs, SingleCallerGuard? guard = null)
    {
        _firstIndex = firstIndex;
        _active = active;
        _guard = guard;
        _getters = mapping.Columns.Select((c, i) => active[i] ? c.MakeGetter(outputs) : null).ToArray();
    }

    public bool AnyActive => _active.Any(a => a);

    public bool IsActive(int index) => _active[index - _firstIndex];

    public ValueGetter<TValue> Get<TValue>(DataViewSchema.Column column)
    {
        var getter = _getters[column.Index - _firstIndex]
            ?? throw new InvalidOperationException($"Column '{column.Name}' was not requested from this cursor.");
        var typed = getter as ValueGetter<TValue>
            ?? throw new InvalidOperationException($"Column '{column.Name}' is {column.Type}; it cannot be read as {typeof(TValue).Name}.");
        if (_guard is not { } guard) return typed;
        return (ref TValue value) =>
        {
            guard.Enter();
            try { typed(ref value); }
            finally { guard.Exit(); }
        };
    }
}
