using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Data;
using TransferLearning.ML.Torch.MultiTask;

namespace TransferLearning.ML.MultiTask;

/// <summary>Reads every task's labels, row by row in the same order as the features, with missing labels kept as missing.</summary>
internal static class TaskLabels
{
    /// <summary>The label column of a task: a key (classification), Single (regression) or Boolean (binary classification).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The column is missing or of another type.</exception>
    public static DataViewSchema.Column Check(DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(nameof(schema),
            $"Label column '{name}' was not found in the input. Columns present: {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => $"'{c.Name}'"))}.");
        if (column.Type is KeyDataViewType) return ColumnChecks.KeyLabel(schema, name);
        if (column.Type == NumberDataViewType.Single || column.Type == BooleanDataViewType.Instance) return column;
        throw new ArgumentOutOfRangeException(nameof(schema),
            $"Label column '{name}' must be a key (a classification task: map it with MapValueToKey(\"{name}\")), Single (a regression task) " +
            $"or Boolean (a binary task), but is {column.Type}.");
    }

    /// <summary>Each task's labels (key → 0-based class, -1 missing; Single → value, NaN missing; Boolean → 0/1), refusing a task with no label at all.</summary>
    public static IReadOnlyList<TaskData> Read(IDataView data, IReadOnlyList<DataViewSchema.Column> labels, IReadOnlyList<string> heads,
        IReadOnlyList<double> weights, int rows)
    {
        var kinds = labels.Select(l => l.Type is KeyDataViewType ? TaskKind.Classification : l.Type == BooleanDataViewType.Instance ? TaskKind.Binary : TaskKind.Regression).ToArray();
        var classes = labels.Select(l => l.Type is KeyDataViewType key ? (int)key.Count : 0).ToArray();
        var keys = labels.Select((l, t) => classes[t] > 0 ? new long[rows] : []).ToArray();
        var values = labels.Select((l, t) => classes[t] == 0 ? new float[rows] : []).ToArray();
        using (var cursor = data.GetRowCursor(labels))
        {
            var getters = labels.Select((l, t) => classes[t] > 0 ? KeyReader.Getter(cursor, l) : null).ToArray();
            var floats = labels.Select((l, t) => kinds[t] == TaskKind.Regression ? cursor.GetGetter<float>(l) : null).ToArray();
            var booleans = labels.Select((l, t) => kinds[t] == TaskKind.Binary ? cursor.GetGetter<bool>(l) : null).ToArray();
            float value = 0;
            bool flag = false;
            for (int row = 0; row < rows; row++)
            {
                if (!cursor.MoveNext()) throw new InvalidDataException($"The data yielded {row} rows for its labels but {rows} for its features.");
                for (int t = 0; t < labels.Count; t++)
                {
                    if (getters[t] is Func<ulong> key)
                    {
                        ulong k = key();
                        if (k > (ulong)classes[t]) throw new InvalidDataException($"Label column '{labels[t].Name}' has key {k} at row {row}, beyond its {classes[t]} classes.");
                        keys[t][row] = (long)k - 1;
                    }
                    else if (booleans[t] is ValueGetter<bool> getFlag)
                    {
                        getFlag(ref flag);
                        values[t][row] = flag ? 1 : 0;
                    }
                    else
                    {
                        floats[t]!(ref value);
                        if (float.IsInfinity(value)) throw new InvalidDataException($"Label column '{labels[t].Name}' is {value} at row {row}.");
                        values[t][row] = value;
                    }
                }
            }
        }
        var tasks = labels.Select((l, t) => new TaskData(l.Name, heads[t], kinds[t], classes[t], keys[t], values[t], weights[t])).ToArray();
        foreach (var task in tasks)
            if (!task.Present.Any(p => p))
                throw new InvalidDataException($"Label column '{task.Name}' has no label on any row: a task needs labelled rows to learn from.");
        return tasks;
    }
}
