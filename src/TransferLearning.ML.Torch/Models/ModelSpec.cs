using System.Text.Json;
using System.Text.Json.Serialization;
using TransferLearning.ML.Torch.Networks;

namespace TransferLearning.ML.Torch.Models;

/// <summary>
/// The model contract every method shares: a trunk (<see cref="NetworkSpec"/>: named blocks, the
/// unit of layer transfer) and named heads (<see cref="HeadSpec"/>) on top of it. One module, built
/// from the spec, gives the trunk's features and every head's output; a saved model stores the
/// spec as JSON and rebuilds that module before reading its weights.
/// </summary>
/// <remarks>
/// Heads are evaluated in order; a head with an <see cref="HeadSpec.Input"/> reads an earlier
/// head's inference output (for example candidate scores computed from predicted attributes).
/// The trunk's features are available as the output named <see cref="FeaturesOutput"/>.
/// </remarks>
public sealed class ModelSpec
{
    /// <summary>The name under which the trunk's features are an output: "features".</summary>
    public const string FeaturesOutput = "features";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 16,
    };

    /// <summary>The trunk's blocks and input shape.</summary>
    public NetworkSpec Trunk { get; init; } = new();

    /// <summary>The heads, in evaluation order; at least one.</summary>
    public IReadOnlyList<HeadSpec> Heads { get; init; } = [];

    /// <summary>A trunk with one classifier head named <paramref name="headName"/>: what a plain network classifier is.</summary>
    public static ModelSpec Classifier(NetworkSpec trunk, int classes, string headName = "label") => new()
    {
        Trunk = trunk,
        Heads = [new ClassifierHeadSpec(headName, classes)],
    };

    /// <summary>The head named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">There is no such head.</exception>
    public HeadSpec Head(string name) => Heads.FirstOrDefault(h => h.Name == name)
        ?? throw new ArgumentException($"The model has no head '{name}'; its heads are {string.Join(", ", Heads.Select(h => $"'{h.Name}'"))}.", nameof(name));

    /// <summary>
    /// Checks the whole spec for an input row of <paramref name="featureLength"/> floats and
    /// returns the size of every output: the trunk's features, then each head's.
    /// </summary>
    /// <exception cref="ArgumentException">A block or head does not fit, a name is invalid or repeated, or a head reads a later one.</exception>
    public IReadOnlyDictionary<string, int> OutputSizes(int featureLength)
    {
        if (Trunk is null) throw new ArgumentException("A model spec needs a trunk.");
        if (Heads is null || Heads.Count == 0) throw new ArgumentException("A model spec needs at least one head.");
        var shape = Trunk.ResolveInputShape(featureLength);
        var sizes = new Dictionary<string, int>(StringComparer.Ordinal) { [FeaturesOutput] = Trunk.FeatureSize(shape) };
        foreach (var head in Heads)
        {
            if (head is null) throw new ArgumentException("A head of the model spec is null.");
            if (string.IsNullOrEmpty(head.Name) || !head.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                throw new ArgumentException($"Head name '{head.Name}' is not valid: use letters, digits, '-' and '_'.");
            if (sizes.ContainsKey(head.Name))
                throw new ArgumentException(head.Name == FeaturesOutput ? $"'{FeaturesOutput}' is reserved for the trunk's output." : $"Two heads are named '{head.Name}'.");
            string input = head.Input ?? FeaturesOutput;
            if (!sizes.TryGetValue(input, out int inputSize))
                throw new ArgumentException($"Head '{head.Name}' reads '{input}', which is not an earlier head.");
            sizes[head.Name] = head.OutputSize(inputSize);
        }
        return sizes;
    }

    /// <summary>
    /// The number of values (parameters and buffers) a model of this spec stores, counted from the
    /// spec alone (custom layers count as 0), so that a loader can reject sizes that do not match
    /// before it allocates anything.
    /// </summary>
    public long StoredValues(int featureLength)
    {
        var sizes = OutputSizes(featureLength);
        long count = Trunk.StoredValues(featureLength);
        foreach (var head in Heads) count += head.StoredValues(sizes[head.Input ?? FeaturesOutput]);
        return count;
    }

    /// <summary>The spec as compact JSON (what a saved model stores).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a spec written by <see cref="ToJson"/>.</summary>
    /// <exception cref="FormatException">The text is not a valid model spec.</exception>
    public static ModelSpec FromJson(string json)
    {
        try
        {
            var spec = JsonSerializer.Deserialize<ModelSpec>(json, Json) ?? throw new FormatException("A model spec cannot be JSON null.");
            if (spec.Trunk is null || spec.Heads is null || spec.Heads.Any(h => h is null))
                throw new FormatException("A model spec needs 'trunk' and non-null 'heads'.");
            if (spec.Trunk.InputShape is null || spec.Trunk.Layers is null || spec.Trunk.Layers.Any(l => l is null))
                throw new FormatException("A model spec's trunk needs 'inputShape' and non-null 'layers'.");
            return spec;
        }
        catch (JsonException e)
        {
            throw new FormatException($"Not a valid model spec: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public override string ToString() => ToJson();
}
