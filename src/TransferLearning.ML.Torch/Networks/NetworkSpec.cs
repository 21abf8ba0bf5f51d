using System.Text.Json;
using System.Text.Json.Serialization;

namespace TransferLearning.ML.Torch.Networks;

/// <summary>
/// A network as an ordered list of named layer blocks plus the shape of its input. The classifier
/// head (a linear map to the classes) is not part of the spec: each method adds the head it needs,
/// which is what makes "copy the first N blocks, then a new head" well defined.
/// </summary>
/// <remarks>
/// Block i is named <c>block{i}</c> in the module, and those names (with the layer's own parameter
/// names) are the checkpoint contract of a saved model.
/// </remarks>
public sealed class NetworkSpec
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 16,
    };

    /// <summary>
    /// Shape of one input row: <c>[length]</c> for a vector, <c>[channels, height, width]</c> for an
    /// image (planar, as ML.NET's ExtractPixels writes it). Empty (the default) means "a vector as
    /// long as the feature column", known once the network meets its data.
    /// </summary>
    public int[] InputShape { get; init; } = [];

    /// <summary>The blocks, input first. May be empty (the head then sees the raw input).</summary>
    public IReadOnlyList<LayerSpec> Layers { get; init; } = [];

    /// <summary>
    /// A multilayer perceptron: one dense ReLU block per entry of <paramref name="hiddenUnits"/>,
    /// input shape taken from the data.
    /// </summary>
    public static NetworkSpec Mlp(params int[] hiddenUnits) => Mlp(0, hiddenUnits);

    /// <summary>A multilayer perceptron whose hidden blocks apply dropout <paramref name="dropout"/>.</summary>
    public static NetworkSpec Mlp(double dropout, params int[] hiddenUnits) => new()
    {
        Layers = hiddenUnits.Select(units => (LayerSpec)new DenseLayerSpec(units) { Dropout = dropout }).ToArray(),
    };

    /// <summary>
    /// A LeNet-style CNN for small images (the Caffe MNIST LeNet; LeCun et al. 1998): two blocks of
    /// 5x5 convolution (20 then 50 channels, "same" padding) + ReLU + 2x2 max pooling, then a dense
    /// block of 500 ReLU units. Works for images from 4x4 pixels up.
    /// </summary>
    public static NetworkSpec LeNet(int channels, int height, int width) => new()
    {
        InputShape = [channels, height, width],
        Layers =
        [
            new ConvolutionLayerSpec(20, 5) { Padding = 2 },
            new ConvolutionLayerSpec(50, 5) { Padding = 2 },
            new DenseLayerSpec(500),
        ],
    };

    /// <summary>This spec with <see cref="InputShape"/> replaced.</summary>
    public NetworkSpec WithInputShape(params int[] inputShape) => new() { InputShape = inputShape, Layers = Layers };

    /// <summary>
    /// The input shape for a feature vector of <paramref name="featureLength"/> floats: the declared
    /// shape when it holds exactly that many values, <c>[featureLength]</c> when none is declared.
    /// </summary>
    /// <exception cref="ArgumentException">The declared shape does not hold <paramref name="featureLength"/> values.</exception>
    public int[] ResolveInputShape(int featureLength)
    {
        if (InputShape.Length == 0) return [featureLength];
        long size = InputShape.Aggregate(1L, (a, b) => a * b);
        if (InputShape.Any(d => d < 1) || size != featureLength)
            throw new ArgumentException(
                $"The network's input shape [{string.Join(", ", InputShape)}] holds {size} values, but the feature vector has {featureLength}.");
        return (int[])InputShape.Clone();
    }

    /// <summary>
    /// Checks every block against its input and returns the output shape of each block
    /// (element i is the output of block i).
    /// </summary>
    public IReadOnlyList<int[]> LayerOutputShapes(int[] inputShape)
    {
        if (inputShape.Length == 0 || inputShape.Any(d => d < 1))
            throw new ArgumentException($"Input shape [{string.Join(", ", inputShape)}] is not a valid shape.");
        var shapes = new List<int[]>(Layers.Count);
        var shape = inputShape;
        for (int i = 0; i < Layers.Count; i++)
        {
            if (Layers[i] is null) throw new ArgumentException($"Layer {i} of the network spec is null.");
            try
            {
                shape = Layers[i].OutputShape(shape);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Layer {i}: {e.Message}", e);
            }
            shapes.Add(shape);
        }
        return shapes;
    }

    /// <summary>The number of values the last block produces per row (the head's input size).</summary>
    public int FeatureSize(int[] inputShape)
    {
        var shapes = LayerOutputShapes(inputShape);
        var last = shapes.Count == 0 ? inputShape : shapes[^1];
        return last.Aggregate(1, (a, b) => checked(a * b));
    }

    /// <summary>
    /// The number of weights and buffer values the blocks hold for an input row of
    /// <paramref name="featureLength"/> floats, counted from the spec alone (custom layers count as 0).
    /// </summary>
    public long StoredValues(int featureLength)
    {
        var shape = ResolveInputShape(featureLength);
        var shapes = LayerOutputShapes(shape);
        long count = 0;
        for (int i = 0; i < Layers.Count; i++)
        {
            var input = i == 0 ? shape : shapes[i - 1];
            count += Layers[i] switch
            {
                DenseLayerSpec d => (input.Aggregate(1L, (a, b) => a * b) + 1) * d.Units + (d.BatchNorm ? 4L * d.Units + 1 : 0),
                ConvolutionLayerSpec c => ((long)input[0] * c.KernelSize * c.KernelSize + 1) * c.Channels + (c.BatchNorm ? 4L * c.Channels + 1 : 0),
                OnnxGraphLayerSpec o => o.StoredValues,
                _ => 0,
            };
        }
        return count;
    }

    /// <summary>The spec as compact JSON (what a saved model stores).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Reads a spec written by <see cref="ToJson"/>.</summary>
    /// <exception cref="FormatException">The text is not a valid network spec.</exception>
    public static NetworkSpec FromJson(string json)
    {
        try
        {
            var spec = JsonSerializer.Deserialize<NetworkSpec>(json, Json)
                ?? throw new FormatException("A network spec cannot be JSON null.");
            if (spec.InputShape is null || spec.Layers is null || spec.Layers.Any(l => l is null))
                throw new FormatException("A network spec needs 'inputShape' and non-null 'layers'.");
            return spec;
        }
        catch (JsonException e)
        {
            throw new FormatException($"Not a valid network spec: {e.Message}", e);
        }
    }

    /// <inheritdoc />
    public override string ToString() => ToJson();
}
