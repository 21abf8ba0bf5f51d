using Microsoft.ML;
using TorchSharp;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;

namespace TransferLearning.ML.Serialization;

/// <summary>
/// Writes a <see cref="Network"/> into a model part and rebuilds it on load. Loading parses data
/// only: the spec is JSON of known layer kinds (custom layers name a factory the loading process
/// registered), and sizes are checked before anything is allocated.
/// </summary>
internal static class NetworkPersistence
{
    private const string WeightsEntry = "Network.bin";
    private const int MaxInputLength = 1 << 28;
    private const int MaxOutputs = 1 << 24;

    // Main stream: string spec JSON, int32 input length, int32 output count.
    // Zip entry "Network.bin": the TorchSharp state dict (entry count, then name, dtype, shape, bytes per tensor).
    public static void Save(ModelSaveContext context, BinaryWriter writer, Network network)
    {
        writer.Write(network.Spec.ToJson());
        writer.Write(network.InputLength);
        writer.Write(network.OutputSize);
        MlNetInternals.SaveBinaryStream(context, WeightsEntry, w => network.save(w));
    }

    /// <exception cref="InvalidDataException">The stored network is corrupt or inconsistent.</exception>
    public static Network Load(object context, BinaryReader reader, torch.Device device)
    {
        string json = reader.ReadString();
        int inputLength = reader.ReadInt32(), outputs = reader.ReadInt32();
        if (inputLength < 1 || inputLength > MaxInputLength) throw new InvalidDataException($"The stored input length {inputLength} is out of range.");
        if (outputs < 1 || outputs > MaxOutputs) throw new InvalidDataException($"The stored output count {outputs} is out of range.");

        byte[]? weights = null;
        if (!MlNetInternals.TryLoadBinaryStream(context, WeightsEntry, r => weights = ReadAll(r.BaseStream)))
            throw new InvalidDataException($"The model has no '{WeightsEntry}' entry with the network's weights.");

        NetworkSpec spec;
        long parameters;
        try
        {
            spec = NetworkSpec.FromJson(json);
            parameters = Network.CountParameters(spec, inputLength, outputs);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            throw new InvalidDataException($"The stored network spec is invalid: {e.Message}", e);
        }
        if (parameters * sizeof(float) > weights!.LongLength)
            throw new InvalidDataException(
                $"The stored weights ({weights.LongLength} bytes) are too small for the stored network ({parameters} parameters).");

        Network? network = null;
        try
        {
            network = new Network(spec, inputLength, outputs);
            using var stream = new MemoryStream(weights, writable: false);
            using var weightReader = new BinaryReader(stream);
            network.load(weightReader, strict: true);
            if (stream.Position != stream.Length) throw new InvalidDataException("The stored weights have trailing bytes.");
            return network.to(device);
        }
        catch (Exception e) when (e is ArgumentException or EndOfStreamException or IOException or FormatException or OverflowException)
        {
            network?.Dispose();
            throw e as InvalidDataException ?? new InvalidDataException($"The stored network weights do not match its spec: {e.Message}", e);
        }
        catch
        {
            network?.Dispose();
            throw;
        }
    }

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
