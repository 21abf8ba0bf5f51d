using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.Cli;

/// <summary>
/// Loads comma-separated files with a header row through ML.NET's TextLoader, after checking what
/// TextLoader would let through silently: a missing file, a file with no data rows, and ragged
/// rows (a row with fewer cells would be read with missing values, one with more would lose cells).
/// Column names match case-insensitively when no column has the exact name.
/// </summary>
internal static class CsvData
{
    // Files already checked, by path, size and write time: a command reads a file's header several times, and each check scans the whole file.
    private static readonly Dictionary<(string Path, long Length, DateTime Written), string[]> Checked = [];

    /// <summary>The header's column names, after checking that every row has as many cells and that there is at least one row.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is empty, has no data rows, or a row has a different number of cells than the header.</exception>
    public static string[] Header(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Data file '{path}' does not exist.", path);
        var file = new FileInfo(path);
        var key = (file.FullName, file.Length, file.LastWriteTimeUtc);
        if (!Checked.TryGetValue(key, out var header)) Checked[key] = header = Check(path);
        return (string[])header.Clone();
    }

    private static string[] Check(string path)
    {
        using var reader = new StreamReader(path);
        var line = reader.ReadLine() ?? throw new InvalidDataException($"'{path}' is empty: a header row is needed.");
        var header = line.Split(',').Select(h => h.Trim().Trim('"')).ToArray();
        int rows = 0, lineNumber = 1;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (line.Length == 0) continue; // a blank line (e.g. at the end) is no row
            int cells = CountCells(line);
            if (cells != header.Length)
                throw new InvalidDataException($"'{path}' line {lineNumber} has {cells} values; the header has {header.Length} columns. Every row needs one value per column.");
            rows++;
        }
        if (rows == 0) throw new InvalidDataException($"'{path}' has a header but no data rows.");
        return header;
    }

    /// <summary>The index of column <paramref name="name"/> in <paramref name="header"/>: the exact name, else the only case-insensitive match.</summary>
    /// <exception cref="ArgumentException">No column matches; the message suggests the nearest names.</exception>
    public static int Find(string[] header, string name, string role, string flag, string path)
    {
        int exact = Array.IndexOf(header, name);
        if (exact >= 0) return exact;
        var folded = header.Select((h, i) => (h, i)).Where(c => string.Equals(c.h, name, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (folded.Length == 1) return folded[0].i;
        throw new ArgumentException($"{role} column '{name}' ({flag}) is not in '{Path.GetFileName(path)}' ({header.Length} columns).{Suggestion(header, name)}");
    }

    /// <summary>" Did you mean 'x'?" for the nearest header names, or the first few names when none is near.</summary>
    public static string Suggestion(IReadOnlyList<string> names, string name)
    {
        var near = names.Select(n => (Name: n, Distance: Distance(n.ToLowerInvariant(), name.ToLowerInvariant())))
            .Where(c => c.Distance <= Math.Max(2, name.Length / 3)).OrderBy(c => c.Distance).Take(3).Select(c => $"'{c.Name}'").ToArray();
        if (near.Length > 0) return $" Did you mean {string.Join(" or ", near)}?";
        return $" Its first columns: {string.Join(", ", names.Take(5).Select(n => $"'{n}'"))}{(names.Count > 5 ? ", …" : "")}.";
    }

    /// <summary>The label column as text and every other (or each named) column as a Single feature.</summary>
    public static (IDataView Data, string[] FeatureColumns) LoadLabelled(MLContext ml, string path, string label, IReadOnlyList<string>? features)
    {
        var header = Header(path);
        int labelIndex = Find(header, label, "Label", "--label", path);
        var featureIndices = features is { Count: > 0 }
            ? features.Select(name => Find(header, name, "Feature", "--features", path)).ToArray()
            : Enumerable.Range(0, header.Length).Where(i => i != labelIndex).ToArray();
        if (featureIndices.Length == 0) throw new InvalidDataException($"'{path}' has no feature columns besides the label '{header[labelIndex]}'.");
        // The label keeps the name asked for, so that the rest of the command finds it.
        var columns = new List<TextLoader.Column> { new(label, DataKind.String, labelIndex) };
        columns.AddRange(featureIndices.Select(i => new TextLoader.Column(header[i], DataKind.Single, i)));
        return (ml.Data.LoadFromTextFile(path, columns.ToArray(), separatorChar: ',', hasHeader: true), featureIndices.Select(i => header[i]).ToArray());
    }

    /// <summary>The named columns as Single features (no label): e.g. unlabelled target rows.</summary>
    public static IDataView LoadUnlabelled(MLContext ml, string path, IReadOnlyList<string> features)
    {
        var header = Header(path);
        var columns = features.Select(name => new TextLoader.Column(name, DataKind.Single, Find(header, name, "Feature", "--features", path))).ToArray();
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
            columns.Add(new TextLoader.Column(name, DataKind.String, Find(header, name, "Label", "--label", path)));
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

    /// <summary>Cells of one line: commas outside double quotes, plus one.</summary>
    private static int CountCells(string line)
    {
        int cells = 1;
        bool quoted = false;
        foreach (char c in line)
        {
            if (c == '"') quoted = !quoted;
            else if (c == ',' && !quoted) cells++;
        }
        return cells;
    }

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
