using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;

namespace TransferLearning.ML.Torch.Models;

/// <summary>
/// An autoencoder's decoder: from a code back to the input row. Dense hidden layers (ReLU), then a
/// linear map either straight to the output or, for images, to the first of <see cref="Stages"/>
/// (ReLU), which the decoder upsamples stage by stage — nearest-neighbour upsampling to the next
/// stage's height and width, then a 3x3 convolution ("same" padding) to its channels, ReLU between
/// stages, none after the last (the output). Training sees the linear (or logit) outputs, flattened
/// to the input's layout; inference applies the sigmoid when <see cref="Sigmoid"/> is set.
/// Parameters <c>heads.{name}.dense.{i}.weight|bias</c> and <c>heads.{name}.convs.{i}.weight|bias</c>.
/// </summary>
/// <remarks>
/// Upsampling followed by a convolution, rather than transposed convolutions, avoids their
/// checkerboard artefacts (Odena et al. 2016, "Deconvolution and checkerboard artifacts") and
/// reaches any target size exactly. <see cref="Mirror"/> builds the decoder that mirrors an encoder.
/// </remarks>
/// <param name="name">The head's name.</param>
/// <param name="outputShape">The shape of the reconstructed row: [values], or [channels, height, width] with <see cref="Stages"/>.</param>
/// <param name="input">The head it reads; null for the trunk's features (the code).</param>
public sealed class DecoderHeadSpec(string name, int[] outputShape, string? input = null) : HeadSpec(name, input)
{
    /// <summary>The shape of the reconstruction.</summary>
    public int[] OutputShape { get; init; } = outputShape;

    /// <summary>Units of the dense hidden layers after the code, in order. Default none.</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [];

    /// <summary>The [channels, height, width] shapes the convolutional part passes through before the output, in order. Default none (a dense decoder).</summary>
    public IReadOnlyList<int[]> Stages { get; init; } = [];

    /// <summary>Whether inference applies the logistic sigmoid (for inputs in [0, 1]). Default false.</summary>
    public bool Sigmoid { get; init; }

    /// <summary>
    /// The decoder that mirrors <paramref name="encoder"/> (on an input of <paramref name="inputShape"/>):
    /// its dense layers in reverse order, then one stage per convolution layer in reverse order, up to the input's shape.
    /// </summary>
    /// <exception cref="ArgumentException">The encoder has a custom layer (whose inverse is unknown) or does not fit the input.</exception>
    public static DecoderHeadSpec Mirror(string name, NetworkSpec encoder, int[] inputShape, bool sigmoid)
    {
        var shapes = encoder.LayerOutputShapes(inputShape);
        var hidden = new List<int>();
        var stages = new List<int[]>();
        for (int i = encoder.Layers.Count - 1; i >= 0; i--)
            switch (encoder.Layers[i])
            {
                case DenseLayerSpec dense: hidden.Add(dense.Units); break;
                case ConvolutionLayerSpec: stages.Add(shapes[i]); break;
                case StandardizeLayerSpec: break; // shape-preserving: nothing to undo
                default: throw new ArgumentException($"Layer {i} is a {encoder.Layers[i].GetType().Name}, which a mirrored decoder cannot invert.");
            }
        return new DecoderHeadSpec(name, stages.Count > 0 ? inputShape : [inputShape.Aggregate(1, (a, b) => checked(a * b))])
        {
            Hidden = hidden, Stages = stages, Sigmoid = sigmoid,
        };
    }

    /// <inheritdoc />
    public override int OutputSize(int inputSize)
    {
        if (OutputShape is null || Hidden is null || Stages is null) throw Invalid("OutputShape, Hidden and Stages cannot be null.");
        foreach (int units in Hidden) RequirePositive(units, "every Hidden layer's units");
        if (Stages.Count > 0)
        {
            if (OutputShape.Length != 3) throw Invalid($"a convolutional decoder's OutputShape must be [channels, height, width], was [{string.Join(", ", OutputShape)}].");
            foreach (var stage in Stages)
                if (stage is null || stage.Length != 3 || stage.Any(d => d < 1))
                    throw Invalid($"every stage must be a [channels, height, width] shape of positive sizes, was [{string.Join(", ", stage ?? [])}].");
        }
        if (OutputShape.Length == 0 || OutputShape.Any(d => d < 1)) throw Invalid($"OutputShape [{string.Join(", ", OutputShape)}] is not a valid shape.");
        return OutputShape.Aggregate(1, (a, b) => checked(a * b));
    }

    internal override long StoredValues(int inputSize)
    {
        long count = 0;
        int previous = inputSize;
        foreach (int units in Hidden)
        {
            count += ((long)previous + 1) * units;
            previous = units;
        }
        int linearOutputs = Stages.Count > 0 ? Stages[0].Aggregate(1, (a, b) => checked(a * b)) : OutputSize(inputSize);
        count += ((long)previous + 1) * linearOutputs;
        var shapes = Stages.Append(OutputShape).ToArray();
        for (int j = 1; j < shapes.Length && Stages.Count > 0; j++)
            count += ((long)shapes[j - 1][0] * 9 + 1) * shapes[j][0];
        return count;
    }

    internal override HeadModule CreateModule(int inputSize) => new DecoderHead(inputSize, OutputSize(inputSize), this);
}
