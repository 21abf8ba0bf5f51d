using Microsoft.ML;
using Microsoft.ML.Runtime;
using TorchSharp;
using TransferLearning.ML;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Data;
using TransferLearning.ML.Serialization;
using TransferLearning.ML.Torch.Adaptation;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Torch.ZeroShot;
using TransferLearning.ML.ZeroShot;

[assembly: LoadableClass(typeof(NetworkTransformer), typeof(VersionOneClassifierLoader), null, typeof(SignatureLoadModel),
    VersionOneClassifierLoader.UserName, VersionOneClassifierLoader.LoaderSignature)]
[assembly: LoadableClass(typeof(NetworkTransformer), typeof(VersionOneZeroShotLoader), null, typeof(SignatureLoadModel),
    VersionOneZeroShotLoader.UserName, VersionOneZeroShotLoader.LoaderSignature)]
[assembly: LoadableClass(typeof(NetworkTransformer), typeof(VersionOneTransferComponentsLoader), null, typeof(SignatureLoadModel),
    VersionOneTransferComponentsLoader.UserName, VersionOneTransferComponentsLoader.LoaderSignature)]

namespace TransferLearning.ML.Serialization;

/// <summary>
/// Reads the parts of save format v1 (one part kind per family, before the model contract) into the
/// one <see cref="NetworkTransformer"/>, with the same outputs. Each v1 layout is written out above
/// its loader; v1 stored networks as a spec JSON, an input length, an output count and TorchSharp's
/// own state-dict layout in the zip entry "Network.bin", with one linear head named "head".
/// </summary>
internal static class VersionOne
{
    private const string WeightsEntry = "Network.bin";
    private const int MaxInputLength = 1 << 28;
    private const int MaxOutputs = 1 << 24;
    private const int MaxTableValues = 1 << 26;

    public static VersionInfo Version(string modelSignature, string loaderSignature) =>
        new(modelSignature, 0x00010001, 0x00010001, 0x00010001, typeof(NetworkTransformer).Assembly.FullName, loaderSignature);

    public static string ReadName(BinaryReader reader) =>
        reader.ReadString() is { Length: > 0 } name ? name : throw new InvalidDataException("A stored column name is empty.");

    public static DeviceKind ReadDevice(BinaryReader reader)
    {
        var stored = (DeviceKind)reader.ReadInt32();
        if (!Enum.IsDefined(stored)) throw new InvalidDataException($"Unknown device kind {(int)stored}.");
        return stored == DeviceKind.Cuda ? DeviceKind.Auto : stored; // a model trained on a GPU still loads where there is none
    }

    /// <summary>The v1 network layout: string spec JSON, int32 input length, int32 outputs; weights in "Network.bin".</summary>
    public static (NetworkSpec Trunk, int InputLength, int Outputs, byte[] Weights) ReadNetwork(ModelLoadContext context, BinaryReader reader)
    {
        string json = reader.ReadString();
        int inputLength = reader.ReadInt32(), outputs = reader.ReadInt32();
        if (inputLength < 1 || inputLength > MaxInputLength) throw new InvalidDataException($"The stored input length {inputLength} is out of range.");
        if (outputs < 1 || outputs > MaxOutputs) throw new InvalidDataException($"The stored output count {outputs} is out of range.");
        var trunk = NetworkSpec.FromJson(json);
        byte[]? weights = null;
        if (!context.TryLoadBinaryStream(WeightsEntry, r => weights = ReadAll(r.BaseStream, trunk, inputLength, outputs)))
            throw new InvalidDataException($"The model has no '{WeightsEntry}' entry with the network's weights.");
        return (trunk, inputLength, outputs, weights!);
    }

    /// <summary>Builds <paramref name="spec"/>'s network and reads v1 weights into it, the old head "head" becoming head <paramref name="headName"/>.</summary>
    public static Network BuildNetwork(ModelSpec spec, int inputLength, byte[] weights, string headName, params string[] setElsewhere)
    {
        var network = new Network(spec, inputLength);
        try
        {
            string prefix = $"heads.{headName}.linear.";
            Checkpoint.ReadTorchSharpLayout(network, weights, name => name.StartsWith("head.", StringComparison.Ordinal) ? prefix + name["head.".Length..] : name, setElsewhere);
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>A table written as int32 count then floats, refusing absurd sizes before allocating.</summary>
    public static float[] ReadFloats(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count < 1 || count > MaxTableValues) throw new InvalidDataException($"A stored table of {count} values is out of range.");
        if (reader.BaseStream.Length - reader.BaseStream.Position < 4L * count) throw new InvalidDataException("A stored table is truncated.");
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = reader.ReadSingle();
        if (values.Any(v => !float.IsFinite(v))) throw new InvalidDataException("A stored value is NaN or infinite.");
        return values;
    }

    public static string[] ReadNames(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count < 0 || count > 1 << 20) throw new InvalidDataException($"A stored class count of {count} is out of range.");
        return Enumerable.Range(0, count).Select(_ => reader.ReadString()).ToArray();
    }

    /// <summary>Runs <paramref name="load"/>, turning any sign of bad data into the one corrupt-model message.</summary>
    public static NetworkTransformer Guard(string part, Func<NetworkTransformer> load)
    {
        try
        {
            return load();
        }
        catch (Exception e) when (LoadFailure.IsBadData(e) || e is ArgumentException or OverflowException)
        {
            throw LoadFailure.Corrupt(part, e);
        }
    }

    private static byte[] ReadAll(Stream stream, NetworkSpec trunk, int inputLength, int outputs)
    {
        long parameters = ModelSpec.Classifier(trunk, outputs).StoredValues(inputLength);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        if (parameters * sizeof(float) > copy.Length)
            throw new InvalidDataException($"The stored weights ({copy.Length} bytes) are too small for the stored network ({parameters} parameters).");
        return copy.ToArray();
    }
}

/// <summary>v1 network classifier parts (every classifier method wrote them).</summary>
internal static class VersionOneClassifierLoader
{
    internal const string LoaderSignature = "TLNetworkClassifier";
    internal const string UserName = "TransferLearning.ML network classifier";

    // Main stream, after ML.NET's header (signature TLNETCLS, version 0x00010001):
    //   string feature column, string score column, string predicted-label column, string learned-features column ("" = none)
    //   int32 device kind; the v1 network layout; bool has class names, then string type tag, int32 count, count strings
    private static NetworkTransformer Create(IHostEnvironment env, ModelLoadContext context)
    {
        context.CheckAtModel(VersionOne.Version("TLNETCLS", LoaderSignature));
        return VersionOne.Guard(UserName, () =>
        {
            var reader = context.Reader;
            string feature = VersionOne.ReadName(reader), score = VersionOne.ReadName(reader), predicted = VersionOne.ReadName(reader);
            string? learned = reader.ReadString() is { Length: > 0 } f ? f : null;
            var device = VersionOne.ReadDevice(reader);
            var (trunk, inputLength, outputs, weights) = VersionOne.ReadNetwork(context, reader);
            var classes = reader.ReadBoolean() ? KeyValues.Load(reader, outputs) : null;
            var network = VersionOne.BuildNetwork(ModelSpec.Classifier(trunk, outputs), inputLength, weights, "label");
            network.to(Devices.Resolve(device));
            return new NetworkTransformer("NetworkClassifier", network, device, new ModelInput(feature, "Feature"),
                ClassifierColumns.Declare(score, predicted, learned, "label", classes), null, null);
        });
    }
}

/// <summary>v1 zero-shot parts (DAP, attribute embedding, ConSE).</summary>
internal static class VersionOneZeroShotLoader
{
    internal const string LoaderSignature = "TLZeroShot";
    internal const string UserName = "TransferLearning.ML zero-shot model";
    private const string CandidateTable = $"heads.{ZeroShotModels.Scores}.table";

    // Main stream, after ML.NET's header (signature TLZSHOTX, version 0x00010001):
    //   string input, vector, score and predicted-label columns; int32 method (0 DAP, 1 embedding, 2 ConSE)
    //   int32 seen count + names; int32 candidate count + names; then per method:
    //   DAP:       int32 device, bool binary, int32 matching (0 DAP, 1 cosine, 2 Euclidean), candidate table floats, v1 network
    //   embedding: int32 device, projection W floats [embedding, attributes], candidate table floats, v1 network
    //   ConSE:     int32 T, seen embeddings floats, candidate embeddings floats
    private static NetworkTransformer Create(IHostEnvironment env, ModelLoadContext context)
    {
        context.CheckAtModel(VersionOne.Version("TLZSHOTX", LoaderSignature));
        return VersionOne.Guard(UserName, () =>
        {
            var reader = context.Reader;
            string input = VersionOne.ReadName(reader), vector = VersionOne.ReadName(reader), score = VersionOne.ReadName(reader), predicted = VersionOne.ReadName(reader);
            int method = reader.ReadInt32();
            var seen = VersionOne.ReadNames(reader);
            var candidates = VersionOne.ReadNames(reader);
            if (candidates.Length == 0) throw new InvalidDataException("The model stores no candidate class.");
            var (name, network, device) = method switch
            {
                0 => AttributePrediction(context, reader, candidates.Length),
                1 => AttributeEmbedding(context, reader, candidates.Length),
                2 => ConSE(reader, seen.Length, candidates.Length),
                _ => throw new InvalidDataException($"Unknown zero-shot method {method}."),
            };
            network.to(Devices.Resolve(device));
            var vectorOutput = network.ModelSpec.Heads[0].Name;
            return new NetworkTransformer(name, network, device, new ModelInput(input, method == 2 ? "Score" : "Feature"),
                ZeroShotColumns.Declare(vector, vectorOutput, score, predicted, candidates), ZeroShotColumns.Lists(seen, candidates), null);
        });
    }

    private static (string, Network, DeviceKind) AttributePrediction(ModelLoadContext context, BinaryReader reader, int candidates)
    {
        var device = VersionOne.ReadDevice(reader);
        bool binary = reader.ReadBoolean();
        int matching = reader.ReadInt32();
        if (matching is < 0 or > 2) throw new InvalidDataException($"Unknown attribute matching {matching}.");
        var table = VersionOne.ReadFloats(reader);
        var (trunk, inputLength, attributes, weights) = VersionOne.ReadNetwork(context, reader);
        if (attributes * candidates != table.Length) throw new InvalidDataException("The stored network's attribute count does not match the candidate table.");
        var spec = ZeroShotModels.AttributePrediction(trunk, attributes, binary, candidates,
            matching switch { 0 => CandidateMatching.AttributeLikelihood, 1 => CandidateMatching.Cosine, _ => CandidateMatching.NegativeEuclidean });
        var network = VersionOne.BuildNetwork(spec, inputLength, weights, ZeroShotModels.Attributes, CandidateTable);
        network.HeadModule(ZeroShotModels.Scores).SetBuffer("table", table);
        return ("ZeroShotAttributes", network, device);
    }

    private static (string, Network, DeviceKind) AttributeEmbedding(ModelLoadContext context, BinaryReader reader, int candidates)
    {
        var device = VersionOne.ReadDevice(reader);
        var projection = VersionOne.ReadFloats(reader);
        var table = VersionOne.ReadFloats(reader);
        if (table.Length % candidates != 0) throw new InvalidDataException("The stored candidate table has a bad size.");
        var (trunk, inputLength, embedding, weights) = VersionOne.ReadNetwork(context, reader);
        int attributes = table.Length / candidates;
        if (projection.Length != embedding * attributes) throw new InvalidDataException("The stored projection does not match the network and the candidate table.");
        var network = VersionOne.BuildNetwork(ZeroShotModels.AttributeEmbedding(trunk, embedding, candidates), inputLength, weights, ZeroShotModels.Embedding, CandidateTable);
        network.HeadModule(ZeroShotModels.Scores).SetBuffer("table", ZeroShotModels.CandidateEmbeddings(table, candidates, projection, embedding));
        return ("AttributeEmbedding", network, device);
    }

    private static (string, Network, DeviceKind) ConSE(BinaryReader reader, int seen, int candidates)
    {
        int topCount = reader.ReadInt32();
        if (topCount < 1 || seen < 1) throw new InvalidDataException("The stored top count or seen-class count is out of range.");
        var seenTable = VersionOne.ReadFloats(reader);
        var candidateTable = VersionOne.ReadFloats(reader);
        if (seenTable.Length % seen != 0 || candidateTable.Length != seenTable.Length / seen * candidates)
            throw new InvalidDataException("The stored embedding tables do not match the class counts.");
        var network = new Network(ZeroShotModels.ConSE(seen, seenTable.Length / seen, topCount, candidates), seen);
        network.HeadModule(ZeroShotModels.Embedding).SetBuffer("table", seenTable);
        network.HeadModule(ZeroShotModels.Scores).SetBuffer("table", candidateTable);
        return ("ConSE", network, DeviceKind.Cpu);
    }
}

/// <summary>v1 Transfer Component Analysis parts.</summary>
internal static class VersionOneTransferComponentsLoader
{
    internal const string LoaderSignature = "TLTransferComponents";
    internal const string UserName = "TransferLearning.ML transfer component analysis";
    private const long MaxStoredFloats = 1L << 27;

    // Main stream, after ML.NET's header (signature TLTCAXFM, version 0x00010001):
    //   string feature column, string output column; int32 kernel, double gamma, int32 rows n, int32 length d, int32 components m
    //   n*d floats (fitted rows), n*m floats (projection W)
    private static NetworkTransformer Create(IHostEnvironment env, ModelLoadContext context)
    {
        context.CheckAtModel(VersionOne.Version("TLTCAXFM", LoaderSignature));
        return VersionOne.Guard(UserName, () =>
        {
            var reader = context.Reader;
            string feature = VersionOne.ReadName(reader), output = VersionOne.ReadName(reader);
            var kernel = (TcaKernel)reader.ReadInt32();
            double gamma = reader.ReadDouble();
            int rows = reader.ReadInt32(), length = reader.ReadInt32(), components = reader.ReadInt32();
            if (!Enum.IsDefined(kernel) || !double.IsFinite(gamma) || gamma < 0) throw new InvalidDataException("The stored kernel is invalid.");
            if (rows < 2 || length < 1 || components < 1 || components > rows || (long)rows * (length + components) > MaxStoredFloats)
                throw new InvalidDataException($"The stored sizes (rows {rows}, length {length}, components {components}) are out of range.");
            if (reader.BaseStream.Length - reader.BaseStream.Position < ((long)rows * length + (long)rows * components) * sizeof(float))
                throw new InvalidDataException("The stored rows and projection are truncated.");
            var fitted = Floats(reader, rows * length);
            var projection = Floats(reader, rows * components);
            var network = TransferComponentsModel.Build(fitted, rows, length, projection, components, kernel, gamma);
            return new NetworkTransformer("TransferComponents", network, DeviceKind.Cpu, new ModelInput(feature, "Feature"),
                [new OutputColumnSpec(output, TransferComponentsModel.Head, OutputColumnKind.Vector)], null, null);
        });
    }

    private static float[] Floats(BinaryReader reader, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = reader.ReadSingle();
        return values;
    }
}
