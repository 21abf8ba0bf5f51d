using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.DomainAdaptation;

/// <summary>
/// The source rows followed by the target rows, with a Boolean domain column (true on target rows):
/// the one-view shape the domain-adaptation methods train on, so that upstream transforms of a
/// pipeline apply to both domains alike. Target columns must match the source's by name and type;
/// a source column the target lacks (typically the label) reads as missing on target rows.
/// </summary>
internal sealed class DomainUnionDataView : IDataView
{
    private readonly IDataView _source;
    private readonly IDataView _target;
    private readonly DataViewSchema.Column[] _sourceColumns;
    private readonly DataViewSchema.Column?[] _targetColumns;

    public DomainUnionDataView(IDataView source, IDataView target, string domainColumnName)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentException.ThrowIfNullOrWhiteSpace(domainColumnName);
        _source = source;
        _target = target;
        _sourceColumns = source.Schema.Where(c => !c.IsHidden).ToArray();
        if (_sourceColumns.Any(c => c.Name == domainColumnName))
            throw new ArgumentException($"The source data already has a column named '{domainColumnName}'; choose another domain column name.", nameof(domainColumnName));
        _targetColumns = _sourceColumns.Select(column =>
        {
            var match = target.Schema.GetColumnOrNull(column.Name);
            if (match is DataViewSchema.Column m && !m.Type.Equals(column.Type))
                throw new ArgumentException($"Column '{column.Name}' is {column.Type} in the source data but {m.Type} in the target data.", nameof(target));
            if (match is null && !MissingValues.Exists(column.Type))
                throw new ArgumentException(
                    $"The target data has no column '{column.Name}' ({column.Type}), and that type has no missing value to fill in. Add the column to the target data.",
                    nameof(target));
            return match;
        }).ToArray();

        var builder = new DataViewSchema.Builder();
        foreach (var column in _sourceColumns) builder.AddColumn(column.Name, column.Type, column.Annotations);
        builder.AddColumn(domainColumnName, BooleanDataViewType.Instance);
        Schema = builder.ToSchema();
    }

    public bool CanShuffle => false;

    public DataViewSchema Schema { get; }

    public long? GetRowCount() => _source.GetRowCount() is long s && _target.GetRowCount() is long t ? s + t : null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.Where(c => c.Index < _sourceColumns.Length).Select(c => c.Index).ToHashSet();
        var source = _source.GetRowCursor(needed.Select(i => _sourceColumns[i]));
        try
        {
            var target = _target.GetRowCursor(needed.Where(i => _targetColumns[i] is not null).Select(i => _targetColumns[i]!.Value));
            return new Cursor(this, source, target, needed);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];

    private sealed class Cursor(DomainUnionDataView view, DataViewRowCursor source, DataViewRowCursor target, HashSet<int> active) : DataViewRowCursor
    {
        private bool _onTarget;
        private long _position = -1;

        public override DataViewSchema Schema => view.Schema;

        public override long Position => _position;

        public override long Batch => 0;

        public override bool MoveNext()
        {
            if (!_onTarget)
            {
                if (source.MoveNext())
                {
                    _position++;
                    return true;
                }
                _onTarget = true;
            }
            if (!target.MoveNext()) return false;
            _position++;
            return true;
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() =>
            (ref DataViewRowId id) => id = new DataViewRowId((ulong)_position, _onTarget ? 1UL : 0UL);

        public override bool IsColumnActive(DataViewSchema.Column column) => column.Index >= view._sourceColumns.Length || active.Contains(column.Index);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index == view._sourceColumns.Length)
                return (ValueGetter<TValue>)(Delegate)(ValueGetter<bool>)((ref bool value) => value = _onTarget);
            if (!active.Contains(column.Index))
                throw new InvalidOperationException($"Column '{column.Name}' was not requested from this cursor.");
            var fromSource = source.GetGetter<TValue>(view._sourceColumns[column.Index]);
            var fromTarget = view._targetColumns[column.Index] is DataViewSchema.Column t
                ? target.GetGetter<TValue>(t)
                : MissingValues.Getter<TValue>(column.Type);
            return (ref TValue value) =>
            {
                if (_onTarget) fromTarget(ref value);
                else fromSource(ref value);
            };
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                source.Dispose();
                target.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}

/// <summary>ML.NET's missing value of a scalar type: empty text, key 0, NaN.</summary>
internal static class MissingValues
{
    public static bool Exists(DataViewType type) =>
        type is TextDataViewType or KeyDataViewType || type == NumberDataViewType.Single || type == NumberDataViewType.Double;

    public static ValueGetter<TValue> Getter<TValue>(DataViewType type)
    {
        object missing = type switch
        {
            TextDataViewType => ReadOnlyMemory<char>.Empty,
            KeyDataViewType key => Convert.ChangeType(0, key.RawType, System.Globalization.CultureInfo.InvariantCulture),
            _ when type == NumberDataViewType.Single => float.NaN,
            _ when type == NumberDataViewType.Double => double.NaN,
            _ => throw new InvalidOperationException($"{type} has no missing value."),
        };
        var value = (TValue)missing;
        return (ref TValue destination) => destination = value;
    }
}
