using System.Globalization;
using TransferLearning.ML.ZeroShot;

namespace TransferLearning.ML.Embeddings;

/// <summary>
/// Binary class descriptions from WordNet 3.0 (Miller 1995; Princeton's licence): each class is
/// described by which hypernyms (ancestors through "is a" and "instance of" links) its noun sense
/// has, over the union of all the classes' hypernyms. Reads <c>index.noun</c> and
/// <c>data.noun</c> from a WordNet dictionary folder (Debian's wordnet-base puts them in
/// /usr/share/wordnet; eng/fetch-datasets.sh copies them into the dataset cache).
/// </summary>
public static class WordNetHypernyms
{
    /// <summary>The hypernym-indicator table of <paramref name="classNames"/>.</summary>
    /// <param name="dictionary">The folder holding index.noun and data.noun.</param>
    /// <param name="classNames">The class names (table keys).</param>
    /// <param name="lemmas">
    /// Optional WordNet lemma for a class, as "lemma" (first sense) or "lemma#n" (sense n), for names
    /// that are not lemmas ("Ankle boot" → "boot"). Otherwise the lower-cased name with spaces as '_'.
    /// </param>
    /// <exception cref="ArgumentException">A class's lemma or sense is not in WordNet.</exception>
    public static ClassDescriptions Create(string dictionary, IReadOnlyList<string> classNames, IReadOnlyDictionary<string, string>? lemmas = null)
    {
        var index = ReadIndex(Path.Combine(dictionary, "index.noun"));
        var hypernyms = ReadHypernyms(Path.Combine(dictionary, "data.noun"));
        var ancestors = classNames.ToDictionary(n => n, n =>
        {
            string key = lemmas is not null && lemmas.TryGetValue(n, out var l) ? l : n.ToLowerInvariant().Replace(' ', '_');
            var (lemma, sense) = key.Split('#') is [var word, var number] ? (word, int.Parse(number, CultureInfo.InvariantCulture)) : (key, 1);
            if (!index.TryGetValue(lemma, out var senses))
                throw new ArgumentException($"Class '{n}': '{lemma}' is not a WordNet noun. Give its lemma in the lemmas map.", nameof(classNames));
            if (sense < 1 || sense > senses.Length)
                throw new ArgumentException($"Class '{n}': '{lemma}' has {senses.Length} senses, not {sense}.", nameof(lemmas));
            return Ancestors(senses[sense - 1], hypernyms);
        });
        var features = ancestors.Values.SelectMany(a => a).Distinct().Order().ToArray();
        return new ClassDescriptions(classNames.Select(n => KeyValuePair.Create(n, features.Select(f => ancestors[n].Contains(f) ? 1f : 0f).ToArray())));
    }

    private static HashSet<string> Ancestors(string synset, Dictionary<string, string[]> hypernyms)
    {
        var found = new HashSet<string>();
        var pending = new Stack<string>(hypernyms.GetValueOrDefault(synset, []));
        while (pending.TryPop(out var next))
            if (found.Add(next))
                foreach (var parent in hypernyms.GetValueOrDefault(next, [])) pending.Push(parent);
        return found;
    }

    /// <summary>lemma → its noun synset offsets, most frequent sense first.</summary>
    private static Dictionary<string, string[]> ReadIndex(string path)
    {
        var index = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("  ", StringComparison.Ordinal)) continue; // licence header
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 6) continue;
            int senses = int.Parse(fields[2], CultureInfo.InvariantCulture);
            index[fields[0]] = fields[^senses..];
        }
        return index;
    }

    /// <summary>synset offset → offsets of its hypernyms (@) and instance hypernyms (@i).</summary>
    private static Dictionary<string, string[]> ReadHypernyms(string path)
    {
        var hypernyms = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("  ", StringComparison.Ordinal)) continue;
            var fields = line.Split('|')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4) continue;
            int words = int.Parse(fields[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            int at = 4 + 2 * words;
            int pointers = int.Parse(fields[at], CultureInfo.InvariantCulture);
            var parents = new List<string>();
            for (int p = 0; p < pointers; p++)
            {
                int start = at + 1 + 4 * p;
                if (fields[start] is "@" or "@i" && fields[start + 2] == "n") parents.Add(fields[start + 1]);
            }
            hypernyms[fields[0]] = parents.ToArray();
        }
        return hypernyms;
    }
}
