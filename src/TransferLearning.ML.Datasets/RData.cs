using System.Buffers.Binary;
using System.Text;
using SharpCompress.Compressors.Xz;

namespace TransferLearning.ML.Datasets;

/// <summary>A value read from an R data file: vectors, lists and their attributes.</summary>
public sealed class RValue
{
    internal RValue(string type, Array? values, IReadOnlyList<RValue>? items, IReadOnlyDictionary<string, RValue> attributes)
    {
        Type = type;
        Values = values;
        Items = items;
        Attributes = attributes;
    }

    /// <summary>R's type name: logical, integer, double, character, list, NULL, symbol.</summary>
    public string Type { get; }

    /// <summary>The elements of an atomic vector (int[] for logical and integer, with NA as int.MinValue; double[]; string?[]).</summary>
    public Array? Values { get; }

    /// <summary>The elements of a list.</summary>
    public IReadOnlyList<RValue>? Items { get; }

    /// <summary>Attributes such as names, class, levels, row.names.</summary>
    public IReadOnlyDictionary<string, RValue> Attributes { get; }

    /// <summary>The character values of attribute <paramref name="name"/>, or null.</summary>
    public string?[]? StringAttribute(string name) => Attributes.TryGetValue(name, out var value) ? value.Values as string?[] : null;
}

/// <summary>
/// Reads the objects saved in an R data file (<c>.rda</c>/<c>.RData</c>: gzip- or xz-compressed
/// XDR serialisation, format version 2 or 3), enough for data frames of logical,
/// integer, double, factor and character columns. Environments, closures and bytecode are refused.
/// </summary>
public static class RData
{
    private const int NilValue = 254, Ref = 255, GlobalEnv = 253, EmptyEnv = 242, BaseEnv = 241, MissingArg = 251, BaseNamespace = 247, Unbound = 252;

    /// <summary>The named objects of the file.</summary>
    public static IReadOnlyDictionary<string, RValue> Read(string path)
    {
        using var file = File.OpenRead(path);
        using var decompressed = new MemoryStream();
        Decompress(file, decompressed);
        var reader = new Reader(decompressed.ToArray());
        return reader.ReadFile();
    }

    private static void Decompress(Stream file, Stream output)
    {
        var head = new byte[6];
        int read = file.Read(head, 0, head.Length);
        file.Position = 0;
        if (read >= 6 && head[0] == 0xFD && head[1] == (byte)'7' && head[2] == (byte)'z') new XZStream(file).CopyTo(output);
        else if (read >= 2 && head[0] == 0x1F && head[1] == 0x8B) new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress).CopyTo(output);
        else file.CopyTo(output);
    }

    private sealed class Reader(byte[] data)
    {
        private readonly List<RValue> _references = [];
        private int _position;

        public IReadOnlyDictionary<string, RValue> ReadFile()
        {
            var magic = Encoding.ASCII.GetString(data, 0, Math.Min(5, data.Length));
            if (magic is not ("RDX2\n" or "RDX3\n")) throw new InvalidDataException("Not an R data file (no RDX2/RDX3 header).");
            _position = 5;
            if (Bytes(2) is not [(byte)'X', (byte)'\n']) throw new InvalidDataException("Only XDR (binary big-endian) R data files are supported.");
            int version = Int();
            Int(); // writer's R version
            Int(); // minimal reader version
            if (version == 3) Bytes(Int()); // native encoding
            else if (version != 2) throw new InvalidDataException($"R serialisation version {version} is not supported.");
            var objects = new Dictionary<string, RValue>(StringComparer.Ordinal);
            var list = Item();
            for (var node = list; node.Items is [var value, var next] && node.Type == "pairlist"; node = next)
                objects[node.StringAttribute("\u0000tag")?[0] ?? $"object{objects.Count}"] = value;
            return objects;
        }

        private RValue Item()
        {
            int flags = Int();
            int type = flags & 0xFF;
            bool hasAttributes = (flags & (1 << 9)) != 0, hasTag = (flags & (1 << 10)) != 0;
            switch (type)
            {
                case NilValue or 0:
                    return Nil;
                case Ref:
                    int index = flags >> 8 is int packed and > 0 ? packed : Int();
                    return index >= 1 && index <= _references.Count ? _references[index - 1] : throw new InvalidDataException($"Bad reference {index}.");
                case GlobalEnv or EmptyEnv or BaseEnv or MissingArg or BaseNamespace or Unbound:
                    return Nil;
                case 1: // symbol
                    var symbol = new RValue("symbol", Item().Values, null, Empty);
                    _references.Add(symbol);
                    return symbol;
                case 2: // pairlist
                {
                    var attributes = hasAttributes ? Attributes(Item()) : Empty;
                    string? tag = hasTag ? (Item().Values as string?[])?[0] : null;
                    var car = Item();
                    var cdr = Item();
                    var withTag = new Dictionary<string, RValue>(attributes) { ["\u0000tag"] = new RValue("character", new[] { tag }, null, Empty) };
                    return new RValue("pairlist", null, [car, cdr], withTag);
                }
                case 9: // CHARSXP
                    return new RValue("character", new[] { CharacterString(Int()) }, null, Empty);
                case 10 or 13: // logical, integer
                {
                    var values = Enumerable.Range(0, Length()).Select(_ => Int()).ToArray();
                    return new RValue(type == 10 ? "logical" : "integer", values, null, hasAttributes ? Attributes(Item()) : Empty);
                }
                case 14: // double
                {
                    var values = Enumerable.Range(0, Length()).Select(_ => BitConverter.Int64BitsToDouble(Long())).ToArray();
                    return new RValue("double", values, null, hasAttributes ? Attributes(Item()) : Empty);
                }
                case 16: // character vector
                {
                    var values = Enumerable.Range(0, Length()).Select(_ => (Item().Values as string?[])![0]).ToArray();
                    return new RValue("character", values, null, hasAttributes ? Attributes(Item()) : Empty);
                }
                case 19 or 20: // list, expression vector
                {
                    var items = Enumerable.Range(0, Length()).Select(_ => Item()).ToArray();
                    return new RValue("list", null, items, hasAttributes ? Attributes(Item()) : Empty);
                }
                default:
                    throw new InvalidDataException($"R object type {type} is not supported by this reader.");
            }
        }

        private static readonly IReadOnlyDictionary<string, RValue> Empty = new Dictionary<string, RValue>();
        private static readonly RValue Nil = new("NULL", null, null, Empty);

        private static IReadOnlyDictionary<string, RValue> Attributes(RValue pairlist)
        {
            var attributes = new Dictionary<string, RValue>(StringComparer.Ordinal);
            for (var node = pairlist; node.Type == "pairlist" && node.Items is [var value, var next]; node = next)
                attributes[node.StringAttribute("\u0000tag")?[0] ?? ""] = value;
            return attributes;
        }

        private string? CharacterString(int length) => length == -1 ? null : Encoding.UTF8.GetString(Bytes(length));

        private int Length()
        {
            int length = Int();
            if (length < 0 || length > data.Length) throw new InvalidDataException($"Vector length {length} is out of range.");
            return length;
        }

        private byte[] Bytes(int count)
        {
            if (count < 0 || _position + count > data.Length) throw new InvalidDataException("The R data ends early.");
            var bytes = data.AsSpan(_position, count).ToArray();
            _position += count;
            return bytes;
        }

        private int Int() => BinaryPrimitives.ReadInt32BigEndian(Bytes(4));

        private long Long() => BinaryPrimitives.ReadInt64BigEndian(Bytes(8));
    }
}
