using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.ZeroShot;

/// <summary>
/// The class description table of zero-shot learning: class name → float vector (binary or
/// continuous attributes, or a semantic embedding such as a word or sentence vector). It covers the
/// seen classes (those in the training labels) and the candidate classes to predict among.
/// </summary>
public sealed class ClassDescriptions
{
    private readonly Dictionary<string, float[]> _vectors;

    /// <summary>Creates a table; every vector must have the same, non-zero length and finite values, and names must be distinct.</summary>
    /// <exception cref="ArgumentException">The table is empty, a name repeats, or a vector is of another length or holds NaN.</exception>
    public ClassDescriptions(IEnumerable<KeyValuePair<string, float[]>> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        _vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var names = new List<string>();
        foreach (var (name, vector) in classes)
        {
            if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A class name in the description table is empty.", nameof(classes));
            if (vector is null || vector.Length == 0) throw new ArgumentException($"Class '{name}' has an empty description.", nameof(classes));
            if (names.Count > 0 && vector.Length != Length)
                throw new ArgumentException($"Class '{name}' has a description of {vector.Length} values; '{names[0]}' has {Length}. All must match.", nameof(classes));
            if (vector.Any(v => !float.IsFinite(v))) throw new ArgumentException($"Class '{name}' has a NaN or infinite value in its description.", nameof(classes));
            if (!_vectors.TryAdd(name, (float[])vector.Clone())) throw new ArgumentException($"Class '{name}' appears twice in the description table.", nameof(classes));
            if (names.Count == 0) Length = vector.Length;
            names.Add(name);
        }
        if (names.Count == 0) throw new ArgumentException("The class description table is empty.", nameof(classes));
        Names = names;
    }

    /// <summary>The class names, in table order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Values per description.</summary>
    public int Length { get; }

    /// <summary>True when every value is 0 or 1 (binary attributes).</summary>
    public bool IsBinary => _vectors.Values.All(v => v.All(x => x is 0 or 1));

    /// <summary>Whether <paramref name="name"/> is in the table.</summary>
    public bool Contains(string name) => _vectors.ContainsKey(name);

    /// <summary>The description of <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">The class is not in the table.</exception>
    public float[] this[string name] => _vectors.TryGetValue(name, out var vector)
        ? (float[])vector.Clone()
        : throw new KeyNotFoundException($"Class '{name}' is not in the class description table.");

    /// <summary>The descriptions of <paramref name="names"/>, row-major [names, Length].</summary>
    public float[] Matrix(IReadOnlyList<string> names) => names.SelectMany(n => this[n]).ToArray();

    /// <summary>
    /// The table with the mean description subtracted from every class. Semantic embeddings share a
    /// large common component, which makes a few classes the nearest neighbour of almost anything
    /// ("hubness"; Dinu, Lazaridou and Baroni 2015); centring removes it before cosine matching.
    /// Binary attribute tables should not be centred (DAP needs 0/1 values).
    /// </summary>
    public ClassDescriptions Centered()
    {
        var mean = new float[Length];
        foreach (var name in Names)
        {
            var vector = _vectors[name];
            for (int i = 0; i < Length; i++) mean[i] += vector[i] / Names.Count;
        }
        return new ClassDescriptions(Names.Select(n => KeyValuePair.Create(n, _vectors[n].Select((v, i) => v - mean[i]).ToArray())));
    }

    /// <summary>A table from an IDataView with a text name column and a known-size float vector column.</summary>
    public static ClassDescriptions FromDataView(IDataView data, string nameColumnName = "Name", string vectorColumnName = "Features")
    {
        ArgumentNullException.ThrowIfNull(data);
        var name = data.Schema.GetColumnOrNull(nameColumnName)
            ?? throw new ArgumentException($"Name column '{nameColumnName}' was not found in the class description data.", nameof(nameColumnName));
        if (name.Type is not TextDataViewType) throw new ArgumentException($"Name column '{nameColumnName}' must be text, but is {name.Type}.", nameof(nameColumnName));
        var vector = Data.ColumnChecks.FloatVector(data.Schema, vectorColumnName, "Description");
        var rows = new List<KeyValuePair<string, float[]>>();
        using var cursor = data.GetRowCursor([name, vector]);
        var getName = cursor.GetGetter<ReadOnlyMemory<char>>(name);
        var getVector = cursor.GetGetter<VBuffer<float>>(vector);
        ReadOnlyMemory<char> text = default;
        VBuffer<float> values = default;
        while (cursor.MoveNext())
        {
            getName(ref text);
            getVector(ref values);
            rows.Add(new(text.ToString(), values.DenseValues().ToArray()));
        }
        return new ClassDescriptions(rows);
    }

    /// <summary>
    /// A table from a comma-separated file: one class a line, its name then its values. A first
    /// line whose second field is not a number is taken as a header and skipped.
    /// </summary>
    public static ClassDescriptions FromCsv(string path)
    {
        var rows = new List<KeyValuePair<string, float[]>>();
        int number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (line.Trim().Length == 0) continue;
            var fields = line.Split(',');
            if (number == 1 && fields.Length > 1 && !float.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out _)) continue;
            rows.Add(new(fields[0].Trim().Trim('"'), fields.Skip(1).Select(f => ParseValue(f, path, number)).ToArray()));
        }
        return new ClassDescriptions(rows);
    }

    /// <summary>
    /// Class vectors from a word-vector text file (GloVe: "word v1 v2 ..." per line; word2vec text:
    /// the same after a "count dimension" header). A class name of several words gets the mean of
    /// its words' vectors (words split on spaces, '_', '-' and '/', matched case-insensitively).
    /// </summary>
    /// <exception cref="ArgumentException">A word of a class name is not in the file.</exception>
    public static ClassDescriptions FromWordVectors(string path, IEnumerable<string> classNames)
    {
        var classes = classNames.ToArray();
        var wanted = classes.SelectMany(Words).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var found = new Dictionary<string, float[]>(StringComparer.OrdinalIgnoreCase);
        int number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 2 || (number == 1 && fields.Length == 2)) continue;
            if (wanted.Contains(fields[0]) && !found.ContainsKey(fields[0]))
                found[fields[0]] = fields.Skip(1).Select(f => ParseValue(f, path, number)).ToArray();
        }
        return new ClassDescriptions(classes.Select(name =>
        {
            var vectors = Words(name).Select(word => found.TryGetValue(word, out var v)
                ? v
                : throw new ArgumentException($"Word '{word}' of class '{name}' is not in the word vectors of '{path}'.", nameof(classNames))).ToArray();
            var mean = new float[vectors[0].Length];
            foreach (var v in vectors)
                for (int i = 0; i < mean.Length; i++) mean[i] += v[i] / vectors.Length;
            return new KeyValuePair<string, float[]>(name, mean);
        }));
    }

    private static IEnumerable<string> Words(string name) => name.Split([' ', '_', '-', '/'], StringSplitOptions.RemoveEmptyEntries);

    private static float ParseValue(string text, string path, int line) =>
        float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float value)
            ? value
            : throw new FormatException($"{path}, line {line}: '{text}' is not a number.");
}
