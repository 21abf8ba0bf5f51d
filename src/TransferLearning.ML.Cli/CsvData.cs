using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.Cli;

/// <summary>Loads comma-separated files with a header row through ML.NET's TextLoader.</summary>
internal static class CsvData
{
    public static string[] Header(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Data file '{path}' does not exist.", path);
        using var reader = new StreamReader(path);
        var line = reader.ReadLine() ?? throw new InvalidDataException($"'{path}' is empty: a header row is needed.");
        return line.Split(',').Select(h => h.Trim().Trim('"')).ToArray();
    }

    /// <summary>The label column as text and every other (or each named) column as a Single feature.</summary>
    public static (IDataView Data, string[] FeatureColumns) LoadLabelled(MLContext ml, string path, string label, IReadOnlyList<string>? features)
    {
        var header = Header(path);
        int labelIndex = Array.IndexOf(header, label);
        if (labelIndex < 0) throw new ArgumentException($"Label column '{label}' is not in the header of '{path}': {string.Join(", ", header)}.");
        var featureColumns = features is { Count: > 0 } ? features.ToArray() : header.Where((_, i) => i != labelIndex).ToArray();
        var columns = new List<TextLoader.Column> { new(label, DataKind.String, labelIndex) };
        foreach (var name in featureColumns)
        {
            int index = Array.IndexOf(header, name);
            if (index < 0) throw new ArgumentException($"Feature column '{name}' is not in the header of '{path}'.");
            columns.Add(new TextLoader.Column(name, DataKind.Single, index));
        }
        return (ml.Data.LoadFromTextFile(path, columns.ToArray(), separatorChar: ',', hasHeader: true), featureColumns);
    }

    /// <summary>The named columns as Single features (no label): e.g. unlabelled target rows.</summary>
    public static IDataView LoadUnlabelled(MLContext ml, string path, IReadOnlyList<string> features)
    {
        var header = Header(path);
        var columns = features.Select(name => Array.IndexOf(header, name) is int index and >= 0
            ? new TextLoader.Column(name, DataKind.Single, index)
            : throw new ArgumentException($"Feature column '{name}' is not in the header of '{path}'.")).ToArray();
        return ml.Data.LoadFromTextFile(path, columns, separatorChar: ',', hasHeader: true);
    }

    /// <summary>
    /// The columns of <paramref name="schema"/> that the file's header names, with their types, plus
    /// <paramref name="textColumns"/> as text (e.g. a label the schema does not have).
    /// </summary>
    public static IDataView LoadForSchema(MLContext ml, string path, DataViewSchema schema, params string[] textColumns)
    {
        var header = Header(path);
        var columns = new List<TextLoader.Column>();
        foreach (var name in textColumns)
        {
            int index = Array.IndexOf(header, name);
            if (index < 0) throw new ArgumentException($"Column '{name}' is not in the header of '{path}': {string.Join(", ", header)}.");
            columns.Add(new TextLoader.Column(name, DataKind.String, index));
        }
        foreach (var column in schema)
        {
            int index = Array.IndexOf(header, column.Name);
            if (index < 0 || textColumns.Contains(column.Name) || column.IsHidden || column.Type is KeyDataViewType || column.Type is VectorDataViewType) continue;
            if (column.Type is not PrimitiveDataViewType primitive) continue;
            columns.Add(new TextLoader.Column(column.Name, KindOf(primitive), index));
        }
        return ml.Data.LoadFromTextFile(path, columns.ToArray(), separatorChar: ',', hasHeader: true);
    }

    private static DataKind KindOf(PrimitiveDataViewType type) => type.RawType switch
    {
        var t when t == typeof(float) => DataKind.Single,
        var t when t == typeof(double) => DataKind.Double,
        var t when t == typeof(int) => DataKind.Int32,
        var t when t == typeof(long) => DataKind.Int64,
        var t when t == typeof(bool) => DataKind.Boolean,
        _ => DataKind.String,
    };
}
