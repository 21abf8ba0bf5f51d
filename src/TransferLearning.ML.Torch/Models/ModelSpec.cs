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

    /// <summary>
    /// Progressive columns (Rusu et al. 2016) beside the trunk, which is column 0: column k (1-based
    /// here) has the trunk's number of layers, of the same kinds; its block i reads its own block
    /// i−1's output concatenated with block i−1's output of the trunk and of every earlier column (the
    /// lateral connections: a layer on a concatenation is the sum of one map per input). Its last
    /// output is the model output <c>column{k}</c>, which heads read through <see cref="HeadSpec.Input"/>.
    /// Their input shape is the trunk's. Default none.
    /// </summary>
    public IReadOnlyList<NetworkSpec> Columns { get; init; } = [];

    /// <summary>
    /// Task-specific input encoders (multitask with different inputs per task): each reads its slice
    /// of the input row into the shared trunk, whose input is then the encoders' common output size;
    /// the trunk's own output on the raw row (<see cref="FeaturesOutput"/>) does not exist then, and
    /// every head reads an encoder's path. Default none. Not combined with <see cref="Columns"/>.
    /// </summary>
    public IReadOnlyList<EncoderSpec> Encoders { get; init; } = [];

    /// <summary>The output name of progressive column <paramref name="column"/> (1-based): "column{k}".</summary>
    public static string ColumnOutput(int column) => $"column{column}";

    /// <summary>The heads, in evaluation order; none for a trunk alone (e.g. an imported backbone, whose output is its features).</summary>
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
        if (Heads is null) throw new ArgumentException("A model spec's heads cannot be null (a trunk alone has none).");
        var sizes = new Dictionary<string, int>(StringComparer.Ordinal);
        if (Encoders is null) throw new ArgumentException("A model spec's encoders cannot be null.");
        if (Encoders.Count > 0)
        {
            if (Columns is { Count: > 0 }) throw new ArgumentException("A model spec cannot have both encoders and progressive columns.");
            int trunkInput = EncoderOutput(featureLength);
            int shared = Trunk.FeatureSize(Trunk.ResolveInputShape(trunkInput));
            foreach (var encoder in Encoders)
            {
                if (!sizes.TryAdd(encoder.Name, shared)) throw new ArgumentException($"Two encoders are named '{encoder.Name}'.");
                if (string.IsNullOrEmpty(encoder.Name) || !encoder.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') || encoder.Name == FeaturesOutput)
                    throw new ArgumentException($"Encoder name '{encoder.Name}' is not valid: use letters, digits, '-' and '_', and not '{FeaturesOutput}'.");
            }
        }
        else sizes[FeaturesOutput] = Trunk.FeatureSize(Trunk.ResolveInputShape(featureLength));
        var columns = ColumnShapes(featureLength);
        for (int k = 1; k < columns.Count; k++)
            sizes[ColumnOutput(k)] = columns[k].Count == 0 ? featureLength : columns[k][^1].Aggregate(1, (a, b) => checked(a * b));
        foreach (var head in Heads)
        {
            if (head is null) throw new ArgumentException("A head of the model spec is null.");
            if (string.IsNullOrEmpty(head.Name) || !head.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                throw new ArgumentException($"Head name '{head.Name}' is not valid: use letters, digits, '-' and '_'.");
            if (sizes.ContainsKey(head.Name))
                throw new ArgumentException(head.Name == FeaturesOutput || head.Name.StartsWith("column", StringComparison.Ordinal) && columns.Count > 1
                    ? $"'{head.Name}' is reserved for the output of the trunk or of a column." : $"Two heads are named '{head.Name}'.");
            string input = head.Input ?? FeaturesOutput;
            if (!sizes.TryGetValue(input, out int inputSize))
                throw new ArgumentException(Encoders.Count > 0 && input == FeaturesOutput
                    ? $"Head '{head.Name}' reads the trunk's features, which a model with encoders does not have: set its Input to an encoder."
                    : $"Head '{head.Name}' reads '{input}', which is not an earlier head.");
            sizes[head.Name] = head.OutputSize(inputSize);
        }
        return sizes;
    }

    /// <summary>
    /// The output shape of every block of every column (element 0: the trunk), with the lateral
    /// inputs accounted for; checks that each column matches the trunk layer for layer.
    /// </summary>
    /// <exception cref="ArgumentException">A column differs from the trunk in depth or layer kinds, or its outputs cannot be concatenated with the others'.</exception>
    public IReadOnlyList<IReadOnlyList<int[]>> ColumnShapes(int featureLength)
    {
        if (Columns is null) throw new ArgumentException("A model spec's columns cannot be null.");
        var shape = Trunk.ResolveInputShape(Encoders is { Count: > 0 } ? EncoderOutput(featureLength) : featureLength);
        var all = new List<IReadOnlyList<int[]>> { Trunk.LayerOutputShapes(shape) };
        for (int k = 1; k <= Columns.Count; k++)
        {
            var column = Columns[k - 1] ?? throw new ArgumentException($"Column {k} of the model spec is null.");
            if (column.Layers.Count != Trunk.Layers.Count)
                throw new ArgumentException($"Column {k} has {column.Layers.Count} layers; a progressive column needs the trunk's {Trunk.Layers.Count}.");
            var outputs = new List<int[]>();
            all.Add(outputs); // filled block by block: each block reads the one before it
            for (int i = 0; i < column.Layers.Count; i++)
            {
                if (column.Layers[i]?.GetType() != Trunk.Layers[i].GetType())
                    throw new ArgumentException($"Column {k}, layer {i} is a {column.Layers[i]?.GetType().Name ?? "null"}; the trunk's layer {i} is a {Trunk.Layers[i].GetType().Name}.");
                var input = ColumnBlockInput(all, shape, k, i);
                try
                {
                    outputs.Add(column.Layers[i].OutputShape(input));
                }
                catch (ArgumentException e)
                {
                    throw new ArgumentException($"Column {k}, layer {i}: {e.Message}", e);
                }
            }
        }
        return all;
    }

    /// <summary>The size every encoder produces (the trunk's input), after checking each encoder's slice and layers.</summary>
    /// <exception cref="ArgumentException">A slice is outside the row, or the encoders' outputs differ in size.</exception>
    public int EncoderOutput(int featureLength)
    {
        int? size = null;
        foreach (var encoder in Encoders)
        {
            if (encoder?.Layers is null) throw new ArgumentException("An encoder of the model spec is incomplete.");
            if (encoder.Offset < 0 || encoder.Length < 1 || (long)encoder.Offset + encoder.Length > featureLength)
                throw new ArgumentException($"Encoder '{encoder.Name}' reads [{encoder.Offset}, {(long)encoder.Offset + encoder.Length}) of a row of {featureLength} values.");
            int output = encoder.Layers.FeatureSize(encoder.Layers.ResolveInputShape(encoder.Length));
            if (size is int expected && output != expected)
                throw new ArgumentException($"Encoder '{encoder.Name}' outputs {output} values, another encoder {expected}: the shared trunk needs one input size.");
            size = output;
        }
        return size ?? throw new ArgumentException("The model spec has no encoder.");
    }

    /// <summary>
    /// The input shape of block <paramref name="block"/> of column <paramref name="column"/> (1-based), given
    /// <paramref name="shapes"/> from <see cref="ColumnShapes"/>: the row's shape for block 0, else the
    /// previous block's outputs of the trunk, the earlier columns and the column itself, concatenated.
    /// </summary>
    internal static int[] ColumnBlockInput(IReadOnlyList<IReadOnlyList<int[]>> shapes, int[] input, int column, int block) => block == 0
        ? input
        : LateralInput(shapes.Take(column).Select(c => c[block - 1]).Append(shapes[column][block - 1]).ToArray(), column, block);

    /// <summary>The shape of outputs concatenated along their first dimension (channels or units); the others must agree.</summary>
    private static int[] LateralInput(int[][] shapes, int column, int layer)
    {
        var first = shapes[0];
        if (shapes.Any(s => s.Length != first.Length || !s.Skip(1).SequenceEqual(first.Skip(1))))
            throw new ArgumentException($"Column {column}, layer {layer}: the lateral inputs [{string.Join("], [", shapes.Select(s => string.Join(", ", s)))}] " +
                "differ in more than their channels, so they cannot be concatenated; give every column the trunk's kernel, stride and pooling.");
        return [shapes.Sum(s => s[0]), .. first.Skip(1)];
    }

    /// <summary>
    /// The number of values (parameters and buffers) a model of this spec stores, counted from the
    /// spec alone (custom layers count as 0), so that a loader can reject sizes that do not match
    /// before it allocates anything.
    /// </summary>
    public long StoredValues(int featureLength)
    {
        var sizes = OutputSizes(featureLength);
        long count = Trunk.StoredValues(Encoders.Count > 0 ? EncoderOutput(featureLength) : featureLength);
        foreach (var encoder in Encoders) count += encoder.Layers.StoredValues(encoder.Length);
        var shapes = ColumnShapes(featureLength);
        int[] input = shapes.Count > 1 ? Trunk.ResolveInputShape(featureLength) : [];
        for (int k = 1; k < shapes.Count; k++)
            for (int i = 0; i < Columns[k - 1].Layers.Count; i++)
            {
                var inputShape = ColumnBlockInput(shapes, input, k, i);
                count += new NetworkSpec { InputShape = inputShape, Layers = [Columns[k - 1].Layers[i]] }.StoredValues(inputShape.Aggregate(1, (a, b) => checked(a * b)));
            }
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
            if (spec.Columns is null || spec.Columns.Any(c => c?.Layers is null || c.Layers.Any(l => l is null)))
                throw new FormatException("A model spec's columns need non-null 'layers'.");
            if (spec.Encoders is null || spec.Encoders.Any(e => e?.Layers?.Layers is null || e.Layers.InputShape is null || e.Layers.Layers.Any(l => l is null)))
                throw new FormatException("A model spec's encoders need a name, a slice and non-null 'layers'.");
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
