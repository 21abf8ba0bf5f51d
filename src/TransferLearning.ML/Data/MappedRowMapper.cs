using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.Data;

/// <summary>
/// The row-at-a-time face of a <see cref="RowBlockMapping"/>, which PredictionEngine and other
/// row-to-row chains use. Each row runs the network on a block of one.
/// </summary>
internal sealed class MappedRowMapper : IRowToRowMapper
{
    private readonly RowBlockMapping _mapping;
    private readonly DataViewSchema.Column[] _inputColumns;

    public MappedRowMapper(RowBlockMapping mapping, DataViewSchema inputSchema)
    {
        _mapping = mapping;
        InputSchema = inputSchema;
        OutputSchema = mapping.OutputSchema(inputSchema);
        _inputColumns = mapping.CheckInputs(inputSchema);
    }

    public DataViewSchema InputSchema { get; }

    public DataViewSchema OutputSchema { get; }

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns)
    {
        var needed = new SortedSet<int>();
        foreach (var column in dependingColumns)
        {
            if (column.Index < InputSchema.Count) needed.Add(column.Index);
            else foreach (var input in _inputColumns) needed.Add(input.Index);
        }
        return needed.Select(i => InputSchema[i]).ToArray();
    }

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns) =>
        new MappedRow(this, input, _mapping.ActiveOutputs(InputSchema, activeColumns));

    private sealed class MappedRow : DataViewRow
    {
        private readonly MappedRowMapper _parent;
        private readonly DataViewRow _input;
        private readonly OutputGetters _outputs;
        private readonly RowInput? _features;
        private readonly float[] _scratch;
        private readonly float[] _output;
        private long _computedPosition = -1;

        public MappedRow(MappedRowMapper parent, DataViewRow input, bool[] active)
        {
            _parent = parent;
            _input = input;
            _scratch = new float[parent._mapping.InputLength];
            _output = new float[parent._mapping.OutputLength];
            _outputs = new OutputGetters(parent._mapping, parent.InputSchema.Count, active, Current, new SingleCallerGuard());
            if (_outputs.AnyActive) _features = parent._mapping.Reader(input, parent._inputColumns);
        }

        public override DataViewSchema Schema => _parent.OutputSchema;

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        public override bool IsColumnActive(DataViewSchema.Column column) => column.Index < _parent.InputSchema.Count
            ? _input.IsColumnActive(_input.Schema[column.Index])
            : _outputs.IsActive(column.Index);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => column.Index < _parent.InputSchema.Count
            ? _input.GetGetter<TValue>(_input.Schema[column.Index])
            : _outputs.Get<TValue>(column);

        // PredictionEngine reuses one row object for every Predict call: the position tells a new row.
        // The getters that call this hold a SingleCallerGuard: two threads on one row would share
        // its buffers (and the engine's output buffers) and read each other's values.
        private ReadOnlySpan<float> Current()
        {
            if (_computedPosition != _input.Position || _input.Position < 0)
            {
                _parent._mapping.ComputeRow(_features!, _scratch, _output);
                _computedPosition = _input.Position;
            }
            return _output;
        }

        protected override void Dispose(bool disposing)
        {
            // ML.NET's convention: a mapped row owns the row it wraps.
            if (disposing) _input.Dispose();
            base.Dispose(disposing);
        }
    }
}
