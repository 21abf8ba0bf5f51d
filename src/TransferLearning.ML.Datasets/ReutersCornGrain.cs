using System.Text;

namespace TransferLearning.ML.Datasets;

/// <summary>
/// Reuters-21578 (ModApte split) as Weka ships it for two tasks over the same documents: "corn"
/// and "grain" topic labels (Debian <c>weka</c>, <c>/usr/share/doc/weka/examples/ReutersCorn-*.arff</c>
/// and <c>ReutersGrain-*.arff</c>, fetched into the cache by eng/fetch-datasets.sh). 1554 training and
/// 604 test documents; the two files of a split hold the same texts in the same order.
/// </summary>
public static class ReutersCornGrain
{
    /// <summary>One document and its two labels.</summary>
    /// <param name="Text">The article.</param>
    /// <param name="Corn">Whether it is about corn.</param>
    /// <param name="Grain">Whether it is about grain.</param>
    public sealed record Document(string Text, bool Corn, bool Grain);

    /// <summary>The training or test documents from the dataset cache.</summary>
    public static IReadOnlyList<Document> Load(bool train)
    {
        string split = train ? "train" : "test";
        var corn = ReadArff(DatasetCache.File($"reuters/ReutersCorn-{split}.arff"));
        var grain = ReadArff(DatasetCache.File($"reuters/ReutersGrain-{split}.arff"));
        if (corn.Count != grain.Count) throw new InvalidDataException($"The corn and grain {split} files hold {corn.Count} and {grain.Count} documents.");
        var documents = new Document[corn.Count];
        for (int i = 0; i < corn.Count; i++)
        {
            if (corn[i].Text != grain[i].Text) throw new InvalidDataException($"Document {i} differs between the corn and grain {split} files.");
            documents[i] = new Document(corn[i].Text, corn[i].Label, grain[i].Label);
        }
        return documents;
    }

    /// <summary>Reads the data rows of a Weka ARFF file with a quoted string attribute then a {0,1} class: <c>'text',label</c>.</summary>
    public static IReadOnlyList<(string Text, bool Label)> ReadArff(string path)
    {
        var content = File.ReadAllText(path, Encoding.Latin1);
        int data = content.IndexOf("@data", StringComparison.OrdinalIgnoreCase);
        if (data < 0) throw new InvalidDataException($"{path}: no @data section.");
        var rows = new List<(string, bool)>();
        int at = data + 5;
        while (true)
        {
            at = content.IndexOf('\'', at);
            if (at < 0) break;
            var text = new StringBuilder();
            int i = at + 1;
            for (; i < content.Length && content[i] != '\''; i++)
            {
                if (content[i] == '\\' && i + 1 < content.Length)
                {
                    char next = content[++i];
                    text.Append(next switch { 'n' => '\n', 't' => '\t', 'r' => '\r', _ => next });
                }
                else text.Append(content[i]);
            }
            if (i + 2 >= content.Length || content[i + 1] != ',') throw new InvalidDataException($"{path}: a row at offset {at} does not end with ',label'.");
            char label = content[i + 2];
            if (label is not ('0' or '1')) throw new InvalidDataException($"{path}: label '{label}' at offset {i + 2} is not 0 or 1.");
            rows.Add((text.ToString(), label == '1'));
            at = i + 3;
        }
        return rows;
    }
}
