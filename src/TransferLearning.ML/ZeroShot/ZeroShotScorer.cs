using System.Runtime.InteropServices;
using Microsoft.ML;
using TorchSharp;
using TorchSharp.Modules;
using TransferLearning.ML.Serialization;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Torch.ZeroShot;
using static TorchSharp.torch;

namespace TransferLearning.ML.ZeroShot;

/// <summary>The zero-shot methods.</summary>
public enum ZeroShotMethod
{
    /// <summary>Attribute prediction then matching (DAP; Lampert et al. 2009).</summary>
    AttributePrediction,

    /// <summary>A joint embedding of features and class descriptions trained with a ranking loss (DeViSE / ALE).</summary>
    AttributeEmbedding,

    /// <summary>Convex combination of semantic embeddings of a seen-class classifier's top predictions (ConSE; Norouzi et al. 2013).</summary>
    ConSE,
}

/// <summary>
/// What a zero-shot transformer computes for a block of rows: a vector per row (predicted
/// attributes or an embedding) followed by one score per candidate class.
/// </summary>
internal abstract class ZeroShotScorer : IDisposable
{
    private readonly object _gate = new();

    protected ZeroShotScorer(int inputLength, int vectorLength, int candidates)
    {
        InputLength = inputLength;
        VectorLength = vectorLength;
        Candidates = candidates;
    }

    public abstract ZeroShotMethod Method { get; }

    public int InputLength { get; }

    public int VectorLength { get; }

    public int Candidates { get; }

    public void Compute(ReadOnlySpan<float> input, int rows, Span<float> output)
    {
        lock (_gate)
        {
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            var x = torch.tensor(input[..(rows * InputLength)].ToArray(), [rows, InputLength], device: Device);
            var (vector, scores) = Score(x);
            var result = torch.cat([vector, scores], 1).cpu().contiguous();
            MemoryMarshal.Cast<byte, float>(result.bytes).CopyTo(output);
        }
    }

    protected virtual Device Device => torch.CPU;

    /// <summary>The per-row vector [rows, VectorLength] and candidate scores [rows, Candidates].</summary>
    protected abstract (Tensor Vector, Tensor Scores) Score(Tensor input);

    public abstract void Save(ModelSaveContext context, BinaryWriter writer);

    public virtual void Dispose()
    {
    }

    protected static void WriteFloats(BinaryWriter writer, float[] values)
    {
        writer.Write(values.Length);
        foreach (var v in values) writer.Write(v);
    }

    /// <summary>Reads a table written by <see cref="WriteFloats"/>, refusing absurd sizes before allocating.</summary>
    protected static float[] ReadFloats(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count < 1 || count > 1 << 26) throw new InvalidDataException($"A stored table of {count} values is out of range.");
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = reader.ReadSingle();
        if (values.Any(v => !float.IsFinite(v))) throw new InvalidDataException("A stored value is NaN or infinite.");
        return values;
    }
}

/// <summary>DAP: a network predicts the attributes; candidates are scored by matching their descriptions.</summary>
internal sealed class AttributePredictionScorer : ZeroShotScorer
{
    private readonly Network _network;
    private readonly bool _binary;
    private readonly float[] _candidateTable;
    private readonly Tensor _candidates;
    private readonly Device _device;

    public AttributePredictionScorer(Network network, DeviceKind device, bool binary, AttributeMatching matching, float[] candidateTable, int candidates)
        : base(network.InputLength, network.OutputSize, candidates)
    {
        _network = network;
        _binary = binary;
        Matching = matching;
        DeviceKind = device;
        _device = Devices.Resolve(device);
        _candidateTable = candidateTable;
        _candidates = torch.tensor(candidateTable, [candidates, network.OutputSize], device: _device).DetachFromDisposeScope();
        network.to(_device).eval();
    }

    public override ZeroShotMethod Method => ZeroShotMethod.AttributePrediction;

    public AttributeMatching Matching { get; }

    public DeviceKind DeviceKind { get; }

    internal Network Network => _network;

    protected override Device Device => _device;

    protected override (Tensor Vector, Tensor Scores) Score(Tensor input)
    {
        var output = _network.forward(input);
        var attributes = _binary ? output.sigmoid() : output;
        var scores = ZeroShotScoring.Scores(attributes, _candidates, Matching);
        // DAP's scores are log-likelihoods: normalised over the candidates they are its posterior p(class | x).
        return (attributes, Matching == AttributeMatching.DirectAttributePrediction ? nn.functional.softmax(scores, 1) : scores);
    }

    // int32 device, bool binary, int32 matching, candidate table floats, then the network (NetworkPersistence).
    public override void Save(ModelSaveContext context, BinaryWriter writer)
    {
        writer.Write((int)DeviceKind);
        writer.Write(_binary);
        writer.Write((int)Matching);
        WriteFloats(writer, _candidateTable);
        NetworkPersistence.Save(context, writer, _network);
    }

    public static AttributePredictionScorer Load(object context, BinaryReader reader, int candidates)
    {
        var device = ReadDevice(reader);
        bool binary = reader.ReadBoolean();
        var matching = (AttributeMatching)reader.ReadInt32();
        if (!Enum.IsDefined(matching)) throw new InvalidDataException($"Unknown attribute matching {(int)matching}.");
        var table = ReadFloats(reader);
        if (table.Length % candidates != 0) throw new InvalidDataException("The stored candidate table has a bad size.");
        var network = NetworkPersistence.Load(context, reader, Devices.Resolve(device));
        if (network.OutputSize * candidates != table.Length)
        {
            network.Dispose();
            throw new InvalidDataException("The stored network's attribute count does not match the candidate table.");
        }
        return new AttributePredictionScorer(network, device, binary, matching, table, candidates);
    }

    internal static DeviceKind ReadDevice(BinaryReader reader)
    {
        var stored = (DeviceKind)reader.ReadInt32();
        if (!Enum.IsDefined(stored)) throw new InvalidDataException($"Unknown device kind {(int)stored}.");
        return stored == DeviceKind.Cuda ? DeviceKind.Auto : stored;
    }

    public override void Dispose()
    {
        _candidates.Dispose();
        _network.Dispose();
    }
}

/// <summary>DeViSE / ALE: f(x) from a network, g(y) = W φ(y); candidates scored by f(x) · g(y).</summary>
internal sealed class AttributeEmbeddingScorer : ZeroShotScorer
{
    private readonly Network _network;
    private readonly float[] _projection;
    private readonly float[] _candidateTable;
    private readonly Tensor _candidateEmbeddings;
    private readonly Device _device;

    /// <param name="network">f, whose head outputs the embedding.</param>
    /// <param name="device">Where to run.</param>
    /// <param name="projection">W, row-major [embedding, attributes] (a Linear layer's weight).</param>
    /// <param name="candidateTable">The candidates' descriptions [candidates, attributes].</param>
    /// <param name="candidates">Number of candidates.</param>
    public AttributeEmbeddingScorer(Network network, DeviceKind device, float[] projection, float[] candidateTable, int candidates)
        : base(network.InputLength, network.OutputSize, candidates)
    {
        _network = network;
        DeviceKind = device;
        _device = Devices.Resolve(device);
        _projection = projection;
        _candidateTable = candidateTable;
        int attributes = candidateTable.Length / candidates;
        using (var scope = torch.NewDisposeScope())
        {
            var w = torch.tensor(projection, [network.OutputSize, attributes], device: _device);
            var table = torch.tensor(candidateTable, [candidates, attributes], device: _device);
            _candidateEmbeddings = table.matmul(w.t()).DetachFromDisposeScope();
        }
        network.to(_device).eval();
    }

    public override ZeroShotMethod Method => ZeroShotMethod.AttributeEmbedding;

    public DeviceKind DeviceKind { get; }

    protected override Device Device => _device;

    protected override (Tensor Vector, Tensor Scores) Score(Tensor input)
    {
        var embedding = _network.forward(input);
        return (embedding, embedding.matmul(_candidateEmbeddings.t()));
    }

    // int32 device, projection floats, candidate table floats, then the network.
    public override void Save(ModelSaveContext context, BinaryWriter writer)
    {
        writer.Write((int)DeviceKind);
        WriteFloats(writer, _projection);
        WriteFloats(writer, _candidateTable);
        NetworkPersistence.Save(context, writer, _network);
    }

    public static AttributeEmbeddingScorer Load(object context, BinaryReader reader, int candidates)
    {
        var device = AttributePredictionScorer.ReadDevice(reader);
        var projection = ReadFloats(reader);
        var table = ReadFloats(reader);
        if (table.Length % candidates != 0) throw new InvalidDataException("The stored candidate table has a bad size.");
        var network = NetworkPersistence.Load(context, reader, Devices.Resolve(device));
        if (projection.Length != network.OutputSize * (table.Length / candidates))
        {
            network.Dispose();
            throw new InvalidDataException("The stored projection does not match the network and the candidate table.");
        }
        return new AttributeEmbeddingScorer(network, device, projection, table, candidates);
    }

    public override void Dispose()
    {
        _candidateEmbeddings.Dispose();
        _network.Dispose();
    }
}

/// <summary>
/// ConSE: the top T seen-class probabilities renormalised, the convex combination of those classes'
/// embeddings, and the candidates ranked by cosine similarity to it.
/// </summary>
internal sealed class ConSEScorer : ZeroShotScorer
{
    private readonly float[] _seenTable, _candidateTable;
    private readonly Tensor _seen, _candidates;

    public ConSEScorer(float[] seenTable, int seen, float[] candidateTable, int candidates, int topCount)
        : base(seen, seenTable.Length / seen, candidates)
    {
        _seenTable = seenTable;
        _candidateTable = candidateTable;
        TopCount = Math.Min(topCount, seen);
        _seen = torch.tensor(seenTable, [seen, VectorLength]).DetachFromDisposeScope();
        _candidates = torch.tensor(candidateTable, [candidates, VectorLength]).DetachFromDisposeScope();
    }

    public override ZeroShotMethod Method => ZeroShotMethod.ConSE;

    public int TopCount { get; }

    protected override (Tensor Vector, Tensor Scores) Score(Tensor input)
    {
        var (values, indices) = input.topk(TopCount, dim: 1);
        var weights = values / values.sum(1, keepdim: true).clamp_min(1e-12);
        var embedding = (weights.unsqueeze(2) * _seen.index_select(0, indices.flatten()).view(input.shape[0], TopCount, VectorLength)).sum(1);
        return (embedding, ZeroShotScoring.Cosine(embedding, _candidates));
    }

    // int32 T, seen embeddings floats, candidate embeddings floats.
    public override void Save(ModelSaveContext context, BinaryWriter writer)
    {
        writer.Write(TopCount);
        WriteFloats(writer, _seenTable);
        WriteFloats(writer, _candidateTable);
    }

    public static ConSEScorer Load(BinaryReader reader, int seen, int candidates)
    {
        int topCount = reader.ReadInt32();
        if (topCount < 1 || seen < 1) throw new InvalidDataException("The stored top count or seen-class count is out of range.");
        var seenTable = ReadFloats(reader);
        var candidateTable = ReadFloats(reader);
        if (seenTable.Length % seen != 0 || candidateTable.Length != seenTable.Length / seen * candidates)
            throw new InvalidDataException("The stored embedding tables do not match the class counts.");
        return new ConSEScorer(seenTable, seen, candidateTable, candidates, topCount);
    }

    public override void Dispose()
    {
        _seen.Dispose();
        _candidates.Dispose();
    }
}
