using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using TransferLearning.ML.Data;
using TransferLearning.ML.Serialization;
using TransferLearning.ML.Torch.Inference;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Classification;

/// <summary>
/// A trained network classifier: the transformer every classifier method of this package returns
/// (network classifier, layer transfer, fine-tuning, domain-adversarial training, ...). It appends
/// <c>Score</c> (class probabilities, slot names = class names), <c>PredictedLabel</c> (a key
/// carrying the training label's key values) and, when asked for, the learned features.
/// </summary>
/// <remarks>
/// Transform is lazy and runs the network on blocks of rows; <c>CreatePredictionEngine</c> runs
/// it one row at a time. Saved with <c>mlContext.Model.Save</c>; loading needs
/// <c>mlContext.RegisterTransferLearning()</c> (or any call to <c>mlContext.TransferLearning()</c>) first.
/// </remarks>
public sealed class NetworkClassifierTransformer : RowMappingTransformer, IDisposable
{
    internal const string LoaderSignature = "TLNetworkClassifier";
    internal const string UserName = "TransferLearning.ML network classifier";
    private const string ModelSignature = "TLNETCLS";
    private const uint FormatVersion = 0x00010001;

    private readonly DeviceKind _device;
    private readonly KeyValues? _classes;
    private readonly BatchPredictor _predictor;
    private readonly RowBlockMapping _mapping;

    internal NetworkClassifierTransformer(Network network, DeviceKind device, KeyValues? classes, ClassifierColumns columns, TrainingReport? report)
    {
        Network = network;
        _device = device;
        _classes = classes;
        Columns = columns;
        TrainingReport = report;
        _predictor = new BatchPredictor(network, Devices.Resolve(device), includeFeatures: columns.LearnedFeatures is not null);

        int k = network.OutputSize;
        var outputs = new List<OutputColumn>
        {
            new VectorOutputColumn(columns.Score, 0, k, ScoreAnnotations(classes)),
            new ArgMaxKeyOutputColumn(columns.PredictedLabel, 0, k, classes?.ToAnnotations(AnnotationKinds.KeyValues)),
        };
        if (columns.LearnedFeatures is string learned) outputs.Add(new VectorOutputColumn(learned, k, network.FeatureSize));
        _mapping = new RowBlockMapping(columns.Feature, "Feature", network.InputLength, _predictor.OutputLength,
            (input, rows, output) => _predictor.Predict(input, rows, output), outputs);
    }

    /// <summary>The input column of features.</summary>
    public string FeatureColumnName => Columns.Feature;

    /// <summary>The output column of class probabilities.</summary>
    public string ScoreColumnName => Columns.Score;

    /// <summary>The output key column of the most probable class.</summary>
    public string PredictedLabelColumnName => Columns.PredictedLabel;

    /// <summary>The output column of learned features, or null when not written.</summary>
    public string? LearnedFeaturesColumnName => Columns.LearnedFeatures;

    /// <summary>Floats per input row.</summary>
    public int InputLength => Network.InputLength;

    /// <summary>Number of classes (length of Score).</summary>
    public int NumberOfClasses => Network.OutputSize;

    /// <summary>The network's blocks (without its head), with the input shape resolved.</summary>
    public NetworkSpec NetworkSpec => Network.Spec;

    /// <summary>The classes in Score order, as text; null when the label had no key values.</summary>
    public IReadOnlyList<string>? ClassNames => _classes?.Names;

    /// <summary>How training went (per-epoch losses, selected epoch); null for a loaded model.</summary>
    public TrainingReport? TrainingReport { get; }

    internal Network Network { get; }

    internal ClassifierColumns Columns { get; }

    private protected override RowBlockMapping Mapping => _mapping;

    private static DataViewSchema.Annotations ScoreAnnotations(KeyValues? classes)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        if (classes is not null) builder.Add(classes.ToAnnotations(AnnotationKinds.SlotNames), _ => true);
        AddText(builder, AnnotationKinds.ScoreColumnKind, AnnotationKinds.MulticlassClassification);
        AddText(builder, AnnotationKinds.ScoreValueKind, AnnotationKinds.Score);
        return builder.ToAnnotations();
    }

    private static void AddText(DataViewSchema.Annotations.Builder builder, string kind, string value)
    {
        var text = value.AsMemory();
        builder.Add(kind, TextDataViewType.Instance, (ref ReadOnlyMemory<char> v) => v = text);
    }

    private static object CurrentVersion() =>
        MlNetInternals.VersionInfo(ModelSignature, FormatVersion, FormatVersion, LoaderSignature, typeof(NetworkClassifierTransformer));

    private protected override object VersionInfo => CurrentVersion();

    // Main stream, after ML.NET's header:
    //   string feature column, string score column, string predicted-label column, string learned-features column ("" = none)
    //   int32 device kind
    //   network: string spec JSON, int32 input length, int32 classes (weights in the zip entry "Network.bin")
    //   bool has class names; then the key values: string type tag, int32 count, count strings
    private protected override void Save(ModelSaveContext context, BinaryWriter writer)
    {
        writer.Write(Columns.Feature);
        writer.Write(Columns.Score);
        writer.Write(Columns.PredictedLabel);
        writer.Write(Columns.LearnedFeatures ?? "");
        writer.Write((int)_device);
        NetworkPersistence.Save(context, writer, Network);
        writer.Write(_classes is not null);
        _classes?.Save(writer);
    }

    // ML.NET calls this through the loader that RegisterTransferLearning adds; context is its internal ModelLoadContext.
    private static NetworkClassifierTransformer Create(IHostEnvironment env, object context)
    {
        MlNetInternals.BeginLoad(context, CurrentVersion());
        var reader = MlNetInternals.Reader(context);
        Network? network = null;
        try
        {
            var columns = new ClassifierColumns(ReadName(reader), ReadName(reader), ReadName(reader), reader.ReadString() is { Length: > 0 } f ? f : null);
            var stored = (DeviceKind)reader.ReadInt32();
            if (!Enum.IsDefined(stored)) throw new InvalidDataException($"Unknown device kind {(int)stored}.");
            // A model trained on a GPU still loads where there is none.
            var device = stored == DeviceKind.Cuda ? DeviceKind.Auto : stored;
            network = NetworkPersistence.Load(context, reader, Devices.Resolve(device));
            var classes = reader.ReadBoolean() ? KeyValues.Load(reader, network.OutputSize) : null;
            return new NetworkClassifierTransformer(network, device, classes, columns, null);
        }
        catch (Exception e) when (LoadFailure.IsBadData(e))
        {
            network?.Dispose();
            throw LoadFailure.Corrupt(UserName, e);
        }
    }

    private static string ReadName(BinaryReader reader) =>
        reader.ReadString() is { Length: > 0 } name ? name : throw new InvalidDataException("A stored column name is empty.");

    internal static MethodInfo LoaderMethod =>
        typeof(NetworkClassifierTransformer).GetMethod(nameof(Create), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Frees the network's native memory.</summary>
    public void Dispose()
    {
        _predictor.Dispose();
        Network.Dispose();
    }
}

/// <summary>The columns a classifier transformer reads and writes.</summary>
internal sealed record ClassifierColumns(string Feature, string Score, string PredictedLabel, string? LearnedFeatures)
{
    public static ClassifierColumns From(ClassifierOptions options) => new(
        options.FeatureColumnName, options.ScoreColumnName, options.PredictedLabelColumnName, options.LearnedFeaturesColumnName);
}
