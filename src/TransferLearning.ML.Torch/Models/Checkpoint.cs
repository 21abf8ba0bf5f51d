using System.Security.Cryptography;
using TorchSharp;
using TransferLearning.ML.Torch.Modules;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Models;

/// <summary>One stored tensor of a checkpoint: where its bytes are and what they must be.</summary>
/// <param name="Name">The state-dict name (the checkpoint contract, e.g. <c>body.block0.linear.weight</c>).</param>
/// <param name="Type">Element type: float32, float64 or int64.</param>
/// <param name="Shape">The tensor's shape.</param>
/// <param name="Offset">Where its bytes start in the weights blob.</param>
/// <param name="Length">How many bytes it has (elements × element size).</param>
/// <param name="Sha256">SHA-256 of those bytes, lowercase hex.</param>
internal sealed record TensorEntry(string Name, string Type, long[] Shape, long Offset, long Length, string Sha256);

/// <summary>
/// Writes a <see cref="Network"/>'s state (parameters and buffers) as one blob of raw little-endian
/// tensor bytes described by a list of <see cref="TensorEntry"/>, and reads it back into a network
/// built from the same spec. Reading checks, before it touches a tensor, that the entries name
/// exactly the network's state with the same types and shapes, that they tile the blob, and that
/// every entry's SHA-256 matches: a corrupt checkpoint is refused whole, never half-loaded.
/// </summary>
internal static class Checkpoint
{
    private static readonly (ScalarType Type, string Name, int Size)[] Types =
        [(ScalarType.Float32, "float32", 4), (ScalarType.Float64, "float64", 8), (ScalarType.Int64, "int64", 8)];

    /// <summary>Writes the state to <paramref name="destination"/> and returns its entries.</summary>
    public static IReadOnlyList<TensorEntry> Write(Network network, Stream destination)
    {
        var entries = new List<TensorEntry>();
        long offset = 0;
        using var noGrad = torch.no_grad();
        foreach (var (name, value) in network.state_dict())
        {
            using var scope = torch.NewDisposeScope();
            var cpu = value.detach().cpu().contiguous();
            var type = TypeOf(cpu.dtype, name);
            var bytes = cpu.bytes;
            destination.Write(bytes);
            entries.Add(new TensorEntry(name, type.Name, cpu.shape, offset, bytes.Length, Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant()));
            offset += bytes.Length;
        }
        return entries;
    }

    /// <summary>Verifies <paramref name="entries"/> against <paramref name="weights"/> and <paramref name="network"/>, then copies the values in.</summary>
    /// <exception cref="InvalidDataException">Any entry is missing, extra, of another type or shape, out of the blob, or fails its hash.</exception>
    public static void Read(Network network, IReadOnlyList<TensorEntry> entries, ReadOnlySpan<byte> weights)
    {
        var expected = Expected(network);
        long covered = 0;
        var byName = new Dictionary<string, TensorEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            if (entry?.Name is null || entry.Shape is null || entry.Sha256 is null) throw new InvalidDataException("A stored tensor entry is incomplete.");
            if (!byName.TryAdd(entry.Name, entry)) throw new InvalidDataException($"Tensor '{entry.Name}' is stored twice.");
            Check(expected, entry.Name, entry.Type, entry.Shape, entry.Length);
            if (entry.Offset != covered) throw new InvalidDataException($"Tensor '{entry.Name}' does not start where the previous one ended.");
            covered += entry.Length;
            if (covered > weights.Length) throw new InvalidDataException($"Tensor '{entry.Name}' runs past the end of the stored weights ({weights.Length} bytes).");
            var hash = Convert.ToHexString(SHA256.HashData(weights.Slice((int)entry.Offset, (int)entry.Length))).ToLowerInvariant();
            if (hash != entry.Sha256) throw new InvalidDataException($"Tensor '{entry.Name}' fails its integrity check (SHA-256 mismatch).");
        }
        if (covered != weights.Length) throw new InvalidDataException($"The stored weights have {weights.Length - covered} bytes no entry describes.");
        RequireAll(expected, byName.Keys);
        var values = new List<(string, byte[])>(entries.Count);
        foreach (var entry in entries) values.Add((entry.Name, weights.Slice((int)entry.Offset, (int)entry.Length).ToArray()));
        Copy(network, values);
    }

    /// <summary>
    /// Reads a state dict in TorchSharp's own <c>Module.save</c> layout (the v1 save format), renaming
    /// entries with <paramref name="rename"/>, and copies it into <paramref name="network"/> after the
    /// same name, type and shape checks as <see cref="Read"/> (that layout has no hashes).
    /// </summary>
    /// <param name="network">The network to fill.</param>
    /// <param name="data">The stored state dict.</param>
    /// <param name="rename">Maps a stored name to the network's.</param>
    /// <param name="setElsewhere">Buffers the layout does not hold, which the caller fills (e.g. a candidate table stored beside the weights).</param>
    public static void ReadTorchSharpLayout(Network network, byte[] data, Func<string, string> rename, IReadOnlyCollection<string> setElsewhere)
    {
        // Layout: LEB128 entry count; per entry: string name, LEB128 dtype, LEB128 rank, LEB128 dims, raw bytes.
        var expected = Expected(network);
        foreach (var name in setElsewhere) expected.Remove(name);
        using var reader = new BinaryReader(new MemoryStream(data, writable: false));
        long count = Leb128(reader);
        if (count != expected.Count) throw new InvalidDataException($"The stored weights hold {count} tensors; the network has {expected.Count}.");
        var values = new List<(string, byte[])>();
        for (long i = 0; i < count; i++)
        {
            string name = rename(reader.ReadString());
            long dtype = Leb128(reader), rank = Leb128(reader);
            if (rank < 0 || rank > 8) throw new InvalidDataException($"Tensor '{name}' has rank {rank}.");
            var shape = new long[rank];
            for (int d = 0; d < rank; d++) shape[d] = Leb128(reader);
            var type = Types.FirstOrDefault(t => (long)t.Type == dtype);
            if (type.Name is null) throw new InvalidDataException($"Tensor '{name}' has element type {dtype}, which a network does not store.");
            long length = Elements(shape, name) * type.Size;
            Check(expected, name, type.Name, shape, length);
            if (length > reader.BaseStream.Length - reader.BaseStream.Position) throw new InvalidDataException($"Tensor '{name}' is truncated.");
            values.Add((name, reader.ReadBytes((int)length)));
        }
        if (reader.BaseStream.Position != reader.BaseStream.Length) throw new InvalidDataException("The stored weights have trailing bytes.");
        RequireAll(expected, values.Select(v => v.Item1));
        Copy(network, values);
    }

    private static Dictionary<string, (string Type, long[] Shape)> Expected(Network network) =>
        network.state_dict().ToDictionary(kv => kv.Key, kv => (TypeOf(kv.Value.dtype, kv.Key).Name, kv.Value.shape), StringComparer.Ordinal);

    private static void Check(Dictionary<string, (string Type, long[] Shape)> expected, string name, string type, long[] shape, long length)
    {
        if (!expected.TryGetValue(name, out var wanted)) throw new InvalidDataException($"The stored tensor '{name}' is not part of the network.");
        if (type != wanted.Type) throw new InvalidDataException($"Tensor '{name}' is stored as {type}; the network holds {wanted.Type}.");
        if (!shape.SequenceEqual(wanted.Shape))
            throw new InvalidDataException($"Tensor '{name}' is stored as [{string.Join(", ", shape)}]; the network holds [{string.Join(", ", wanted.Shape)}].");
        if (length != Elements(shape, name) * Types.First(t => t.Name == type).Size) throw new InvalidDataException($"Tensor '{name}' has a byte length that does not fit its shape.");
    }

    private static void RequireAll(Dictionary<string, (string Type, long[] Shape)> expected, IEnumerable<string> stored)
    {
        var missing = expected.Keys.Except(stored).ToArray();
        if (missing.Length > 0) throw new InvalidDataException($"The stored weights lack {string.Join(", ", missing)}.");
    }

    private static void Copy(Network network, IEnumerable<(string Name, byte[] Bytes)> values)
    {
        var state = network.state_dict();
        using var noGrad = torch.no_grad();
        foreach (var (name, bytes) in values)
        {
            var tensor = state[name];
            if (tensor.device_type == DeviceType.CPU && tensor.is_contiguous()) bytes.CopyTo(tensor.bytes);
            else
            {
                using var cpu = torch.empty(tensor.shape, tensor.dtype);
                bytes.CopyTo(cpu.bytes);
                tensor.copy_(cpu);
            }
        }
    }

    private static (ScalarType Type, string Name, int Size) TypeOf(ScalarType type, string name)
    {
        var found = Types.FirstOrDefault(t => t.Type == type);
        return found.Name is not null ? found : throw new InvalidOperationException($"Tensor '{name}' is {type}; checkpoints store float32, float64 and int64.");
    }

    private static long Elements(long[] shape, string name)
    {
        long count = 1;
        foreach (long d in shape)
        {
            if (d < 0 || d > int.MaxValue) throw new InvalidDataException($"Tensor '{name}' has a dimension of {d}.");
            count = checked(count * d);
        }
        return count;
    }

    private static long Leb128(BinaryReader reader)
    {
        long value = 0;
        for (int shift = 0; shift < 63; shift += 7)
        {
            byte b = reader.ReadByte();
            value |= (long)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException("A stored size is not a valid LEB128 number.");
    }
}
