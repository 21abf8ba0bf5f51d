using TorchSharp;
using TorchSharp.Modules;
using TransferLearning.ML.Torch.Networks;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Modules;

/// <summary>
/// The module built from a <see cref="NetworkSpec"/>: the spec's blocks (<c>body.block{i}</c>)
/// followed by a linear head (<c>head</c>) with one output per class. Input rows arrive as flat
/// float vectors and are reshaped to the spec's input shape.
/// </summary>
public sealed class Network : nn.Module<Tensor, Tensor>
{
    // Field names are the checkpoint contract: renaming them breaks saved models.
    private readonly Sequential body;
    private readonly Linear head;
    private readonly long[] _inputShape;
    private readonly nn.Module<Tensor, Tensor>[] _blocks;
    private readonly bool[] _frozen;

    /// <summary>Builds the network with freshly initialised weights (seeded by torch.manual_seed).</summary>
    /// <param name="spec">The blocks.</param>
    /// <param name="featureLength">Length of one input row; must fit the spec's input shape.</param>
    /// <param name="outputSize">Number of head outputs (classes); at least 1.</param>
    public Network(NetworkSpec spec, int featureLength, int outputSize) : base(nameof(Network))
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (outputSize < 1) throw new ArgumentException($"A network needs at least one output, got {outputSize}.", nameof(outputSize));
        var shape = spec.ResolveInputShape(featureLength);
        var shapes = spec.LayerOutputShapes(shape);
        Spec = spec.WithInputShape(shape);
        InputLength = featureLength;
        OutputSize = outputSize;
        FeatureSize = spec.FeatureSize(shape);
        _inputShape = shape.Length == 1 ? [-1, shape[0]] : [-1, .. shape.Select(d => (long)d)];

        var blocks = new (string, nn.Module<Tensor, Tensor>)[spec.Layers.Count];
        for (int i = 0; i < blocks.Length; i++)
            blocks[i] = (BlockName(i), spec.Layers[i].CreateModule(i == 0 ? shape : shapes[i - 1]));
        body = nn.Sequential(blocks);
        head = nn.Linear(FeatureSize, outputSize);
        _blocks = blocks.Select(b => b.Item2).ToArray();
        _frozen = new bool[blocks.Length];
        RegisterComponents();
    }

    /// <summary>The spec with its input shape resolved.</summary>
    public NetworkSpec Spec { get; }

    /// <summary>Length of one input row.</summary>
    public int InputLength { get; }

    /// <summary>Number of head outputs.</summary>
    public int OutputSize { get; }

    /// <summary>Number of values the last block produces per row (the head's input size).</summary>
    public int FeatureSize { get; }

    /// <summary>Number of blocks, not counting the head.</summary>
    public int BlockCount => Spec.Layers.Count;

    /// <summary>
    /// The number of weights a network of this spec holds, counted from the spec alone (custom
    /// layers count as 0), so that a loader can reject absurd sizes before allocating anything.
    /// </summary>
    public static long CountParameters(NetworkSpec spec, int featureLength, int outputSize)
    {
        var shape = spec.ResolveInputShape(featureLength);
        var shapes = spec.LayerOutputShapes(shape);
        long count = 0;
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var input = i == 0 ? shape : shapes[i - 1];
            count += spec.Layers[i] switch
            {
                DenseLayerSpec d => (input.Aggregate(1L, (a, b) => a * b) + 1) * d.Units + (d.BatchNorm ? 4L * d.Units : 0),
                ConvolutionLayerSpec c => ((long)input[0] * c.KernelSize * c.KernelSize + 1) * c.Channels + (c.BatchNorm ? 4L * c.Channels : 0),
                _ => 0,
            };
        }
        var last = shapes.Count == 0 ? shape : shapes[^1];
        return count + (last.Aggregate(1L, (a, b) => a * b) + 1) * outputSize;
    }

    /// <summary>The module name of block <paramref name="index"/> in checkpoints.</summary>
    public static string BlockName(int index) => $"block{index}";

    /// <summary>The parameters of block <paramref name="index"/>, named as in the checkpoint.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> BlockParameters(int index)
    {
        string prefix = $"body.{BlockName(index)}.";
        return named_parameters().Where(p => p.name.StartsWith(prefix, StringComparison.Ordinal));
    }

    /// <summary>The head's parameters, named as in the checkpoint.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> HeadParameters() =>
        named_parameters().Where(p => p.name.StartsWith("head.", StringComparison.Ordinal));

    /// <summary>The output of the last block, flattened to [rows, <see cref="FeatureSize"/>].</summary>
    public Tensor Features(Tensor input)
    {
        var x = BlockCount == 0 ? input : body.forward(input.view(_inputShape));
        return x.dim() > 2 ? x.flatten(1) : x;
    }

    /// <summary>
    /// Freezes block <paramref name="index"/> (no gradients, and batch-norm statistics kept as
    /// they are even in training mode) or unfreezes it.
    /// </summary>
    public void Freeze(int index, bool frozen = true)
    {
        CheckBlock(index);
        _frozen[index] = frozen;
        foreach (var (_, parameter) in BlockParameters(index)) parameter.requires_grad = !frozen;
        if (frozen) _blocks[index].eval();
        else _blocks[index].train(training);
    }

    /// <summary>Whether block <paramref name="index"/> is frozen.</summary>
    public bool IsFrozen(int index)
    {
        CheckBlock(index);
        return _frozen[index];
    }

    /// <summary>Sets training mode, keeping frozen blocks in eval mode so that their batch-norm statistics stay put.</summary>
    public override void train(bool train = true)
    {
        base.train(train);
        for (int i = 0; i < _blocks.Length; i++)
            if (_frozen[i]) _blocks[i].eval();
    }

    /// <summary>
    /// Copies the weights and buffers of <paramref name="source"/>'s block <paramref name="sourceIndex"/>
    /// into this network's block <paramref name="targetIndex"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The two blocks differ in kind or in any tensor's shape.</exception>
    public void CopyBlockFrom(Network source, int sourceIndex, int targetIndex)
    {
        ArgumentNullException.ThrowIfNull(source);
        source.CheckBlock(sourceIndex);
        CheckBlock(targetIndex);
        var from = source.BlockState(sourceIndex).ToDictionary(e => e.Name, e => e.Value);
        var to = BlockState(targetIndex).ToList();
        if (from.Count != to.Count || to.Any(e => !from.ContainsKey(e.Name)))
            throw new ArgumentException(
                $"Source block {sourceIndex} ({string.Join(", ", from.Keys)}) and target block {targetIndex} ({string.Join(", ", to.Select(e => e.Name))}) differ in kind.");
        foreach (var (name, value) in to)
        {
            var origin = from[name];
            if (!origin.shape.SequenceEqual(value.shape))
                throw new ArgumentException(
                    $"Cannot copy source block {sourceIndex} into target block {targetIndex}: '{name}' is [{string.Join(", ", origin.shape)}] " +
                    $"in the source and [{string.Join(", ", value.shape)}] in the target (the blocks see inputs of different sizes).");
        }
        using var noGrad = torch.no_grad();
        foreach (var (name, value) in to) value.copy_(from[name]);
    }

    /// <summary>The parameters and buffers of block <paramref name="index"/>, named relative to the block.</summary>
    private IEnumerable<(string Name, Tensor Value)> BlockState(int index)
    {
        string prefix = $"body.{BlockName(index)}.";
        return state_dict().Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).Select(e => (e.Key[prefix.Length..], e.Value));
    }

    private void CheckBlock(int index)
    {
        if (index < 0 || index >= _blocks.Length)
            throw new ArgumentOutOfRangeException(nameof(index), $"Block {index} does not exist: the network has {_blocks.Length} blocks.");
    }

    /// <summary>The head alone: logits from the output of <see cref="Features"/>.</summary>
    public Tensor Head(Tensor features) => head.forward(features);

    /// <summary>Logits, [rows, <see cref="OutputSize"/>].</summary>
    public override Tensor forward(Tensor input) => head.forward(Features(input));
}
