using TorchSharp;
using TorchSharp.Modules;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Networks;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Modules;

/// <summary>
/// The one module every method trains and every transformer runs, built from a
/// <see cref="Models.ModelSpec"/>: the trunk's blocks (<c>body.block{i}</c>) and the named heads
/// (<c>heads.{name}</c>). Input rows arrive as flat float vectors and are reshaped to the trunk's
/// input shape. <c>forward</c> is the first head's training output on the trunk's features.
/// </summary>
internal sealed class Network : nn.Module<Tensor, Tensor>
{
    // Field names are the checkpoint contract: renaming them breaks saved models.
    private readonly Sequential body;
    private readonly ModuleDict<ModuleDict<nn.Module<Tensor, Tensor>>> columns;
    private readonly ModuleDict<Sequential> encoders;
    private readonly ModuleDict<HeadModule> heads;
    private readonly long[] _inputShape;
    private readonly nn.Module<Tensor, Tensor>[] _blocks;
    private readonly bool[] _frozen;
    // Per progressive column (1-based; index 0 unused): its blocks, and whether the column is frozen.
    private readonly nn.Module<Tensor, Tensor>[][] _columnBlocks;
    private readonly bool[] _frozenColumns;
    // Per encoder: its slice of the input row and the shape its layers read it as.
    private readonly Dictionary<string, (int Offset, int Length, long[] Shape)> _encoderInputs = new(StringComparer.Ordinal);
    // An array, not a Module field: RegisterComponents would register a field as a second copy of the head.
    private readonly HeadModule[] _headModules;

    /// <summary>Builds a network with one classifier head (named "label"), freshly initialised (seeded by torch.manual_seed).</summary>
    /// <param name="spec">The trunk's blocks.</param>
    /// <param name="featureLength">Length of one input row; must fit the spec's input shape.</param>
    /// <param name="outputSize">Number of classes; at least 1.</param>
    public Network(NetworkSpec spec, int featureLength, int outputSize)
        : this(ModelSpec.Classifier(spec ?? throw new ArgumentNullException(nameof(spec)), CheckOutputs(outputSize)), featureLength)
    {
    }

    /// <summary>
    /// Builds the model of <paramref name="spec"/> with freshly initialised parameters (the blocks
    /// first, then the heads in order, each seeded by torch.manual_seed) and zero buffers.
    /// </summary>
    /// <exception cref="ArgumentException">The spec does not fit rows of <paramref name="featureLength"/> floats.</exception>
    public Network(ModelSpec spec, int featureLength) : base(nameof(Network))
    {
        ArgumentNullException.ThrowIfNull(spec);
        var sizes = spec.OutputSizes(featureLength);
        var trunk = spec.Trunk;
        // With task-specific encoders, the trunk reads their output rather than the raw row.
        var shape = trunk.ResolveInputShape(spec.Encoders.Count > 0 ? spec.EncoderOutput(featureLength) : featureLength);
        var shapes = trunk.LayerOutputShapes(shape);
        Spec = trunk.WithInputShape(shape);
        var encoderSpecs = spec.Encoders.Select(e => new EncoderSpec(e.Name, e.Offset, e.Length, e.Layers.WithInputShape(e.Layers.ResolveInputShape(e.Length)))).ToArray();
        ModelSpec = new ModelSpec { Trunk = Spec, Columns = spec.Columns.Select(c => c.WithInputShape(shape)).ToArray(), Encoders = encoderSpecs, Heads = spec.Heads };
        InputLength = featureLength;
        FeatureSize = sizes.TryGetValue(ModelSpec.FeaturesOutput, out int featureSize) ? featureSize : sizes[encoderSpecs[0].Name];
        OutputSizes = sizes;
        _inputShape = shape.Length == 1 ? [-1, shape[0]] : [-1, .. shape.Select(d => (long)d)];

        var blocks = new (string, nn.Module<Tensor, Tensor>)[trunk.Layers.Count];
        for (int i = 0; i < blocks.Length; i++)
            blocks[i] = (BlockName(i), trunk.Layers[i].CreateModule(i == 0 ? shape : shapes[i - 1]));
        body = nn.Sequential(blocks);
        var columnShapes = spec.ColumnShapes(featureLength);
        _columnBlocks = new nn.Module<Tensor, Tensor>[columnShapes.Count][];
        _columnBlocks[0] = [];
        var columnModules = new List<(string, ModuleDict<nn.Module<Tensor, Tensor>>)>();
        for (int k = 1; k < columnShapes.Count; k++)
        {
            var layers = spec.Columns[k - 1].Layers;
            var modules = new (string, nn.Module<Tensor, Tensor>)[layers.Count];
            for (int i = 0; i < layers.Count; i++)
            {
                var input = ModelSpec.ColumnBlockInput(columnShapes, shape, k, i);
                modules[i] = (BlockName(i), layers[i].CreateModule(input));
            }
            _columnBlocks[k] = modules.Select(m => m.Item2).ToArray();
            columnModules.Add((k.ToString(System.Globalization.CultureInfo.InvariantCulture), nn.ModuleDict(modules)));
        }
        columns = nn.ModuleDict(columnModules.ToArray());
        var encoderModules = new List<(string, Sequential)>();
        foreach (var encoder in encoderSpecs)
        {
            var encoderShape = encoder.Layers.InputShape;
            var encoderShapes = encoder.Layers.LayerOutputShapes(encoderShape);
            encoderModules.Add((encoder.Name, nn.Sequential(encoder.Layers.Layers
                .Select((layer, i) => (BlockName(i), layer.CreateModule(i == 0 ? encoderShape : encoderShapes[i - 1]))).ToArray())));
            _encoderInputs[encoder.Name] = (encoder.Offset, encoder.Length, encoderShape.Length == 1 ? [-1, encoderShape[0]] : [-1, .. encoderShape.Select(d => (long)d)]);
        }
        encoders = nn.ModuleDict(encoderModules.ToArray());
        _frozenColumns = new bool[columnShapes.Count];
        heads = nn.ModuleDict(spec.Heads.Select(h => (h.Name, h.CreateModule(sizes[h.Input ?? ModelSpec.FeaturesOutput]))).ToArray());
        _headModules = spec.Heads.Select(h => heads[h.Name]).ToArray();
        OutputSize = _headModules.Length > 0 ? _headModules[0].OutputSize : FeatureSize;
        _blocks = blocks.Select(b => b.Item2).ToArray();
        _frozen = new bool[blocks.Length];
        RegisterComponents();
    }

    private static int CheckOutputs(int outputSize) => outputSize >= 1 ? outputSize
        : throw new ArgumentException($"A network needs at least one output, got {outputSize}.", nameof(outputSize));

    /// <summary>The trunk's spec with its input shape resolved.</summary>
    public NetworkSpec Spec { get; }

    /// <summary>The whole model's spec (trunk with its input shape resolved, and the heads).</summary>
    public ModelSpec ModelSpec { get; }

    /// <summary>Length of one input row.</summary>
    public int InputLength { get; }

    /// <summary>Size of the first head's output (the number of classes of a classifier).</summary>
    public int OutputSize { get; }

    /// <summary>Number of values the trunk produces per row (the heads' input size).</summary>
    public int FeatureSize { get; }

    /// <summary>The size of every output: <see cref="ModelSpec.FeaturesOutput"/> and each head.</summary>
    public IReadOnlyDictionary<string, int> OutputSizes { get; }

    /// <summary>Number of blocks, not counting the heads.</summary>
    public int BlockCount => Spec.Layers.Count;

    /// <summary>Number of progressive columns beside the trunk.</summary>
    public int ColumnCount => _columnBlocks.Length - 1;

    /// <summary>The module name of block <paramref name="index"/> in checkpoints.</summary>
    public static string BlockName(int index) => $"block{index}";

    /// <summary>The parameters of block <paramref name="index"/>, named as in the checkpoint.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> BlockParameters(int index)
    {
        string prefix = $"body.{BlockName(index)}.";
        return named_parameters().Where(p => p.name.StartsWith(prefix, StringComparison.Ordinal));
    }

    /// <summary>The parameters of head <paramref name="name"/> (default the first), named as in the checkpoint.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> HeadParameters(string? name = null)
    {
        string prefix = $"heads.{name ?? ModelSpec.Heads[0].Name}.";
        return named_parameters().Where(p => p.name.StartsWith(prefix, StringComparison.Ordinal));
    }

    /// <summary>The module of head <paramref name="name"/>.</summary>
    internal HeadModule HeadModule(string name) => heads.TryGetValue(name, out var head) ? head
        : throw new ArgumentException($"The model has no head '{name}'.", nameof(name));

    /// <summary>The output of the last block, flattened to [rows, <see cref="FeatureSize"/>].</summary>
    /// <exception cref="InvalidOperationException">The model has task-specific encoders: its trunk reads an encoder's output (see <see cref="Encoded"/>).</exception>
    public Tensor Features(Tensor input)
    {
        if (_encoderInputs.Count > 0) throw new InvalidOperationException("This model's trunk reads its encoders' outputs: use the encoder paths.");
        return Trunk(input);
    }

    /// <summary>The trunk on an input already shaped for it (the raw row, or an encoder's output), flattened.</summary>
    private Tensor Trunk(Tensor input)
    {
        var x = BlockCount == 0 ? input : body.forward(input.view(_inputShape));
        return x.dim() > 2 ? x.flatten(1) : x;
    }

    /// <summary>Encoder <paramref name="encoder"/> on its slice of the rows, then the shared trunk: that task path's features.</summary>
    public Tensor Encoded(string encoder, Tensor input)
    {
        var (offset, length, shape) = _encoderInputs.TryGetValue(encoder, out var slice) ? slice
            : throw new ArgumentException($"The model has no encoder '{encoder}'.", nameof(encoder));
        var x = encoders[encoder].forward(input.narrow(1, offset, length).contiguous().view(shape));
        return Trunk(x.dim() > 2 ? x.flatten(1) : x);
    }

    /// <summary>What a head reading <paramref name="name"/> sees: the trunk's features (null), an encoder's path, or a progressive column.</summary>
    public Tensor Shared(string? name, Tensor input) =>
        name is null || name == ModelSpec.FeaturesOutput ? Features(input)
        : _encoderInputs.ContainsKey(name) ? Encoded(name, input)
        : ColumnFeatures(input, int.Parse(name["column".Length..], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>
    /// The last output of progressive column <paramref name="column"/> (1-based), flattened: the trunk
    /// and the earlier columns run block by block, and each block of the column reads its own
    /// previous output and theirs, concatenated.
    /// </summary>
    public Tensor ColumnFeatures(Tensor input, int column)
    {
        if (column < 1 || column > ColumnCount) throw new ArgumentOutOfRangeException(nameof(column), $"Column {column} does not exist: the model has {ColumnCount}.");
        var x = input.view(_inputShape);
        var previous = new Tensor[column + 1]; // each column's output of the block before
        var trunkBlocks = _blocks;
        for (int i = 0; i < trunkBlocks.Length; i++)
        {
            var current = new Tensor[column + 1];
            current[0] = trunkBlocks[i].forward(i == 0 ? x : previous[0]);
            for (int k = 1; k <= column; k++)
                current[k] = _columnBlocks[k][i].forward(i == 0 ? x : torch.cat([.. previous[..k], previous[k]], 1));
            previous = current;
        }
        var output = trunkBlocks.Length == 0 ? input : previous[column];
        return output.dim() > 2 ? output.flatten(1) : output;
    }

    /// <summary>
    /// Freezes the trunk, every head, and every column but <paramref name="trainable"/> (no
    /// gradients; batch norm kept in eval mode): what a new progressive column trains beside.
    /// The new column's own head stays trainable.
    /// </summary>
    public void FreezeAllBut(int trainable, string trainableHead)
    {
        for (int i = 0; i < BlockCount; i++) Freeze(i);
        for (int k = 1; k <= ColumnCount; k++)
        {
            bool frozen = k != trainable;
            _frozenColumns[k] = frozen;
            foreach (var block in _columnBlocks[k])
            {
                foreach (var parameter in block.parameters()) parameter.requires_grad = !frozen;
                if (frozen) block.eval();
            }
        }
        foreach (var head in ModelSpec.Heads)
            foreach (var (_, parameter) in HeadParameters(head.Name)) parameter.requires_grad = head.Name == trainableHead;
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
        for (int k = 1; k < _columnBlocks.Length; k++)
            if (_frozenColumns[k])
                foreach (var block in _columnBlocks[k]) block.eval();
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

    /// <summary>The first head alone: its training output (a classifier's logits) from the output of <see cref="Features"/>.</summary>
    public Tensor Head(Tensor features) => _headModules[0].forward(features);

    /// <summary>Head <paramref name="name"/>'s training output from <paramref name="input"/> (the trunk's features, or the output it reads).</summary>
    public Tensor Head(string name, Tensor input) => HeadModule(name).forward(input);

    /// <summary>The first head's training output, [rows, <see cref="OutputSize"/>].</summary>
    public override Tensor forward(Tensor input) => _headModules[0].forward(Features(input));

    /// <summary>
    /// The inference outputs named in <paramref name="names"/> (heads, or <see cref="ModelSpec.FeaturesOutput"/>)
    /// for a batch of rows, each [rows, size], in the order asked. Heads are evaluated once each, in spec order,
    /// and only as far as the names asked need.
    /// </summary>
    public Tensor[] Outputs(Tensor input, IReadOnlyList<string> names)
    {
        // The shared outputs (trunk, encoder paths, columns) are computed when something reads them.
        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        if (_encoderInputs.Count == 0) values[ModelSpec.FeaturesOutput] = null!;
        foreach (var encoder in _encoderInputs.Keys) values[encoder] = null!;
        for (int k = 1; k <= ColumnCount; k++) values[ModelSpec.ColumnOutput(k)] = null!;
        int last = names.Select(n => values.ContainsKey(n) ? -1 : IndexOfHead(n)).DefaultIfEmpty(-1).Max();
        for (int i = 0; i <= last; i++)
        {
            var head = ModelSpec.Heads[i];
            values[head.Name] = _headModules[i].Infer(Value(head.Input ?? ModelSpec.FeaturesOutput));
        }
        return names.Select(Value).ToArray();

        Tensor Value(string name)
        {
            if (!values.TryGetValue(name, out var value))
                throw new ArgumentException($"The model has no output '{name}'.", nameof(names));
            return value ?? (values[name] = Shared(name, input));
        }
    }

    private int IndexOfHead(string name)
    {
        for (int i = 0; i < ModelSpec.Heads.Count; i++)
            if (ModelSpec.Heads[i].Name == name) return i;
        throw new ArgumentException($"The model has no output '{name}'; its outputs are '{ModelSpec.FeaturesOutput}' and " +
            $"{string.Join(", ", ModelSpec.Heads.Select(h => $"'{h.Name}'"))}.", nameof(name));
    }
}
