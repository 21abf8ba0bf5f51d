using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using TorchSharp;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Serialization;

/// <summary>
/// Save format v2 of <see cref="NetworkTransformer"/>: one JSON header (method, input column,
/// device, model spec, output columns, class lists, and the list of stored tensors with their
/// SHA-256) protected by its own SHA-256, and the tensors' raw bytes in a zip entry. Loading parses
/// data only, verifies both hashes before using anything, and sizes every allocation from the
/// verified header, never from a number it has not checked.
/// </summary>
internal static class ModelFormat
{
    public const int Version = 2;
    private const string WeightsEntry = "Weights.bin";
    private const int MaxHeaderBytes = 64 << 20;
    private const int MaxInputLength = 1 << 28;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        MaxDepth = 32,
    };

    /// <summary>Everything a saved model is, but its weights.</summary>
    private sealed record Header(int Format, string Method, IReadOnlyList<string> InputColumns, IReadOnlyList<int> InputLengths, string InputRole, int InputLength, DeviceKind Device, JsonElement Model,
        IReadOnlyList<OutputColumnSpec> Columns, IReadOnlyDictionary<string, IReadOnlyList<string>> ClassLists, IReadOnlyList<TensorEntry> Tensors);

    // Main stream, after ML.NET's header (signature TLNETWRK, version 0x00020001):
    //   int32 n, then n bytes of UTF-8 JSON (the Header record: method, input columns with their lengths, role,
//   input length, device, model spec, output columns, class lists, tensors), then the 32-byte SHA-256 of those n bytes.
    // Zip entry "Weights.bin": the tensors' raw little-endian bytes, one after another, as Header.Tensors
    //   lists them (name, type, shape, offset, length, SHA-256 of the bytes).
    public static void Save(ModelSaveContext context, NetworkTransformer transformer)
    {
        using var weights = new MemoryStream();
        var tensors = Checkpoint.Write(transformer.Network, weights);
        var header = new Header(Version, transformer.Method, transformer.Input.ColumnNames, transformer.Input.Lengths ?? [transformer.InputLength],
            transformer.Input.Role, transformer.InputLength,
            transformer.Device, JsonDocument.Parse(transformer.ModelSpec.ToJson()).RootElement, transformer.OutputColumns, transformer.ClassLists, tensors);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(header, Json);
        context.Writer.Write(bytes.Length);
        context.Writer.Write(bytes);
        context.Writer.Write(SHA256.HashData(bytes));
        context.SaveBinaryStream(WeightsEntry, w => weights.WriteTo(w.BaseStream));
    }

    public static NetworkTransformer Load(ModelLoadContext context)
    {
        Network? network = null;
        try
        {
            var reader = context.Reader;
            int length = reader.ReadInt32();
            long remaining = reader.BaseStream.Length - reader.BaseStream.Position;
            if (length < 2 || length > MaxHeaderBytes || length + 32L > remaining)
                throw new InvalidDataException($"The stored header length {length} does not fit the part ({remaining} bytes).");
            var bytes = reader.ReadBytes(length);
            var hash = reader.ReadBytes(32);
            if (!SHA256.HashData(bytes).AsSpan().SequenceEqual(hash)) throw new InvalidDataException("The header fails its integrity check (SHA-256 mismatch).");
            var header = JsonSerializer.Deserialize<Header>(bytes, Json) ?? throw new InvalidDataException("The header is JSON null.");
            Check(header);

            var spec = ModelSpec.FromJson(header.Model.GetRawText());
            long stored = header.Tensors.Sum(t => t.Length);
            if (spec.StoredValues(header.InputLength) * sizeof(float) > stored)
                throw new InvalidDataException($"The stored tensors ({stored} bytes) are too small for the stored model.");
            var weights = ReadWeights(context, stored);

            var device = header.Device == DeviceKind.Cuda ? DeviceKind.Auto : header.Device; // a model trained on a GPU still loads where there is none
            network = new Network(spec, header.InputLength);
            Checkpoint.Read(network, header.Tensors, weights);
            network.to(Devices.Resolve(device));
            return new NetworkTransformer(header.Method, network, device, new ModelInput(header.InputColumns, header.InputRole, header.InputLengths), header.Columns,
                header.ClassLists, null);
        }
        catch (Exception e) when (LoadFailure.IsBadData(e) || e is JsonException or ArgumentException or OverflowException or NotSupportedException)
        {
            network?.Dispose();
            throw LoadFailure.Corrupt(NetworkTransformer.UserName, e);
        }
        catch
        {
            network?.Dispose();
            throw;
        }
    }

    private static void Check(Header header)
    {
        if (header.Format != Version) throw new InvalidDataException($"The header says format {header.Format}; this reader reads {Version}.");
        if (header.InputColumns is not { Count: > 0 } || header.InputColumns.Any(string.IsNullOrEmpty) || string.IsNullOrEmpty(header.InputRole) ||
            string.IsNullOrEmpty(header.Method) || header.InputLengths?.Count != header.InputColumns.Count || header.InputLengths.Any(l => l < 1))
            throw new InvalidDataException("The header lacks the method or the input columns, or their lengths.");
        if (header.InputLength < 1 || header.InputLength > MaxInputLength) throw new InvalidDataException($"The stored input length {header.InputLength} is out of range.");
        if (!Enum.IsDefined(header.Device)) throw new InvalidDataException($"Unknown device kind {(int)header.Device}.");
        if (header.Model.ValueKind != JsonValueKind.Object || header.Columns is null || header.Columns.Count == 0 || header.ClassLists is null || header.Tensors is null)
            throw new InvalidDataException("The header lacks the model, its columns or its tensors.");
        if (header.Columns.Any(c => c is null || string.IsNullOrEmpty(c.Name) || string.IsNullOrEmpty(c.Output) || !Enum.IsDefined(c.Kind)))
            throw new InvalidDataException("A stored output column is incomplete.");
        if (header.Tensors.Any(t => t is null || t.Length < 0)) throw new InvalidDataException("A stored tensor entry is incomplete.");
    }

    /// <summary>Reads exactly the <paramref name="expected"/> bytes the verified header announces, refusing more or fewer.</summary>
    private static byte[] ReadWeights(ModelLoadContext context, long expected)
    {
        if (expected > Array.MaxLength) throw new InvalidDataException($"The stored tensors ({expected} bytes) are too large.");
        byte[]? weights = null;
        bool found = context.TryLoadBinaryStream(WeightsEntry, r =>
        {
            var buffer = new byte[expected];
            int read = 0;
            while (read < buffer.Length && r.BaseStream.Read(buffer, read, buffer.Length - read) is int n and > 0) read += n;
            if (read != buffer.Length || r.BaseStream.ReadByte() != -1)
                throw new InvalidDataException($"The '{WeightsEntry}' entry does not hold the {expected} bytes the header lists.");
            weights = buffer;
        });
        return found ? weights! : throw new InvalidDataException($"The model has no '{WeightsEntry}' entry with the network's weights.");
    }
}
