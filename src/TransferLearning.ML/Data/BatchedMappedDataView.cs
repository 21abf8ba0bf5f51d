using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.Data;

/// <summary>
/// The lazy result of Transform: the input's columns plus a <see cref="RowBlockMapping"/>'s
/// outputs, computed on blocks of rows instead of one row at a time.
/// </summary>
/// <remarks>
/// ML.NET requires cursors of one view that are not shuffled to visit the same rows in the same
/// order, whatever columns they activate. So a cursor here opens a second, look-ahead cursor on
/// the input with only the feature column active, runs the network on its next block of rows, and
/// serves row i's outputs from that block while the main cursor supplies the pass-through columns.
/// No pass-through value is cached. A shuffled cursor cannot be mirrored (its random source is
/// consumed), so it computes its rows one at a time.
/// </remarks>
internal sealed class BatchedMappedDataView : IDataView
{
    private readonly RowBlockMapping _mapping;
    private readonly IDataView _input;
    private readonly DataViewSchema.Column[] _inputColumns;

    public BatchedMappedDataView(RowBlockMapping mapping, IDataView input)
    {
        _mapping = mapping;
        _input = input;
        _inputColumns = mapping.CheckInputs(input.Schema);
        Schema = mapping.OutputSchema(input.Schema);
    }

    public bool CanShuffle => _input.CanShuffle;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.ToArray();
        var active = _mapping.ActiveOutputs(_input.Schema, needed);
        var passThrough = needed.Where(c => c.Index < _input.Schema.Count).Select(c => _input.Schema[c.Index]).ToList();
        bool computes = active.Any(a => a);
        if (!computes) return new Cursor(this, _input.GetRowCursor(passThrough, rand), null, active);
        if (rand is not null)
        {
            passThrough.AddRange(_inputColumns.Where(c => !passThrough.Any(p => p.Index == c.Index)));
            return new Cursor(this, _input.GetRowCursor(passThrough, rand), null, active);
        }
        var main = _input.GetRowCursor(passThrough);
        try
        {
            return new Cursor(this, main, _input.GetRowCursor(_inputColumns), active);
        }
        catch
        {
            main.Dispose();
            throw;
        }
    }

    // One cursor: the network is the bottleneck and runs multi-threaded inside libtorch already.
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor : DataViewRowCursor
    {
        private readonly BatchedMappedDataView _view;
        private readonly DataViewRowCursor _main;
        private readonly DataViewRowCursor? _lookAhead;
        private readonly RowInput? _features;
        private readonly OutputGetters _outputs;
        private readonly float[] _inputBlock;
        private readonly float[] _outputBlock;
        private long _row = -1;
        private long _blockStart;
        private int _blockRows;
        private long _computedRow = -1;

        public Cursor(BatchedMappedDataView view, DataViewRowCursor main, DataViewRowCursor? lookAhead, bool[] active)
        {
            _view = view;
            _main = main;
            _lookAhead = lookAhead;
            var mapping = view._mapping;
            _outputs = new OutputGetters(mapping, view._input.Schema.Count, active, Current);
            int blockRows = lookAhead is null ? 1 : mapping.BlockSize;
            _inputBlock = new float[_outputs.AnyActive ? blockRows * mapping.InputLength : 0];
            _outputBlock = new float[_outputs.AnyActive ? blockRows * mapping.OutputLength : 0];
            if (_outputs.AnyActive)
            {
                _features = mapping.Reader(lookAhead ?? main, view._inputColumns);
            }
        }

        public override DataViewSchema Schema => _view.Schema;

        public override long Position => _main.Position;

        public override long Batch => _main.Batch;

        public override ValueGetter<DataViewRowId> GetIdGetter() => _main.GetIdGetter();

        public override bool MoveNext()
        {
            if (!_main.MoveNext()) return false;
            _row++;
            return true;
        }

        public override bool IsColumnActive(DataViewSchema.Column column) => column.Index < _view._input.Schema.Count
            ? _main.IsColumnActive(_main.Schema[column.Index])
            : _outputs.IsActive(column.Index);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column) => column.Index < _view._input.Schema.Count
            ? _main.GetGetter<TValue>(_main.Schema[column.Index])
            : _outputs.Get<TValue>(column);

        private ReadOnlySpan<float> Current()
        {
            if (_row < 0) throw new InvalidOperationException("The cursor is not on a row: call MoveNext first.");
            var mapping = _view._mapping;
            if (_lookAhead is null)
            {
                if (_computedRow != _row)
                {
                    mapping.ComputeRow(_features!, _inputBlock, _outputBlock);
                    _computedRow = _row;
                }
                return _outputBlock;
            }
            while (_row >= _blockStart + _blockRows) LoadNextBlock();
            return _outputBlock.AsSpan((int)(_row - _blockStart) * mapping.OutputLength, mapping.OutputLength);
        }

        private void LoadNextBlock()
        {
            var mapping = _view._mapping;
            _blockStart += _blockRows;
            int rows = 0;
            while (rows < mapping.BlockSize && _lookAhead!.MoveNext())
            {
                _features!.Read(_inputBlock.AsSpan(rows * mapping.InputLength, mapping.InputLength));
                rows++;
            }
            if (rows == 0)
                throw new InvalidOperationException(
                    "The input data returned fewer rows to a second cursor than to the first; Transform needs an input whose cursors agree.");
            mapping.Compute(_inputBlock, rows, _outputBlock);
            _blockRows = rows;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _main.Dispose();
                _lookAhead?.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
