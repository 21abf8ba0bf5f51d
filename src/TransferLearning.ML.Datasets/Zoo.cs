using System.Globalization;

namespace TransferLearning.ML.Datasets;

/// <summary>
/// The UCI Zoo data (Forsyth 1990; CC BY 4.0) as shipped by the R package mlbench (Debian
/// <c>r-cran-mlbench</c>, <c>data/Zoo.rda</c>): 101 animals with 15 Boolean attributes, a leg
/// count and a type. Used as a real class-attribute table: each animal is a class described by
/// its attributes.
/// </summary>
public sealed class Zoo
{
    private Zoo(IReadOnlyList<string> animals, IReadOnlyList<string> attributes, IReadOnlyList<float[]> values, IReadOnlyList<string> types)
    {
        Animals = animals;
        AttributeNames = attributes;
        Values = values;
        Types = types;
    }

    /// <summary>The animals' names (row names).</summary>
    public IReadOnlyList<string> Animals { get; }

    /// <summary>The attribute names: the 15 Boolean ones, then "legs" (count) .</summary>
    public IReadOnlyList<string> AttributeNames { get; }

    /// <summary>Each animal's attribute values (Booleans as 0/1, legs as the count).</summary>
    public IReadOnlyList<float[]> Values { get; }

    /// <summary>Each animal's type (mammal, bird, ...).</summary>
    public IReadOnlyList<string> Types { get; }

    /// <summary>Reads mlbench's Zoo.rda.</summary>
    public static Zoo Read(string path)
    {
        var frame = RData.Read(path).TryGetValue("Zoo", out var zoo) ? zoo : throw new InvalidDataException($"{path} holds no 'Zoo' data frame.");
        var names = frame.StringAttribute("names") ?? throw new InvalidDataException("The Zoo data frame has no column names.");
        var rows = frame.StringAttribute("row.names") ?? throw new InvalidDataException("The Zoo data frame has no animal names.");
        var columns = frame.Items ?? throw new InvalidDataException("The Zoo object is not a data frame.");
        var attributes = new List<string>();
        var numeric = new List<int[]>();
        string[]? types = null;
        for (int c = 0; c < columns.Count; c++)
        {
            var values = columns[c].Values as int[] ?? throw new InvalidDataException($"Zoo column '{names[c]}' is not logical or integer.");
            if (columns[c].StringAttribute("levels") is string?[] levels)
                types = values.Select(v => levels[v - 1] ?? "").ToArray();
            else
            {
                attributes.Add(names[c] ?? $"V{c}");
                numeric.Add(values);
            }
        }
        // The legs count goes last, so that the first 15 attributes are the Boolean ones.
        int legs = attributes.IndexOf("legs");
        if (legs >= 0)
        {
            attributes.Add(attributes[legs]);
            attributes.RemoveAt(legs);
            numeric.Add(numeric[legs]);
            numeric.RemoveAt(legs);
        }
        var table = Enumerable.Range(0, rows.Length).Select(r => numeric.Select(column => (float)column[r]).ToArray()).ToArray();
        return new Zoo(rows.Select(r => r ?? "").ToArray(), attributes, table, types ?? rows.Select(_ => "").ToArray());
    }

    /// <inheritdoc />
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Zoo: {Animals.Count} animals x {AttributeNames.Count} attributes");
}
