using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using TransferLearning.ML.Data;
using TransferLearning.ML.Serialization;
using TransferLearning.ML.Torch.Inference;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;

[assembly: LoadableClass(typeof(TransferLearning.ML.NetworkTransformer), null, typeof(SignatureLoadModel),
    TransferLearning.ML.NetworkTransformer.UserName, TransferLearning.ML.NetworkTransformer.LoaderSignature)]

namespace TransferLearning.ML;

/// <summary>
/// A fitted model of this package: the transformer every method returns (network classifier, layer
/// transfer and fine-tuning, domain-adversarial training, TCA, the zero-shot methods). It holds one
/// TorchSharp module built from a <see cref="Torch.Models.ModelSpec"/> (trunk + named heads) and
/// appends the columns declared from that model's outputs: for a classifier <c>Score</c> (class
/// probabilities, slot names = classes) and <c>PredictedLabel</c> (a key carrying the training
/// label's key values), for other methods an embedding, attributes, candidate scores or components.
/// </summary>
/// <remarks>
/// Transform is lazy and runs the model on blocks of rows; <c>CreatePredictionEngine</c> runs it
/// one row at a time. Saved with <c>mlContext.Model.Save</c> and loaded with a plain
/// <c>mlContext.Model.Load</c>: ML.NET finds this package's loader by itself (models saved by
/// version 1 of the format load too).
/// </remarks>
public sealed class NetworkTransformer : RowMappingTransformer, IDisposable
{
    internal const string LoaderSignature = "TLNetwork";
    internal const string UserName = "TransferLearning.ML network model";
    private const string ModelSignature = "TLNETWRK";
    private const uint FormatVersion = 0x00020001;

    private readonly DeviceKind _device;
    private readonly ModelRunner _runner;
    private readonly RowBlockMapping _mapping;
    private bool _disposed;

    internal NetworkTransformer(string method, Network network, DeviceKind device, ModelInput input, IReadOnlyList<OutputColumnSpec> columns,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? classLists, TrainingReport? report)
    {
        Method = method;
        Network = network;
        _device = device;
        Input = input;
        OutputColumns = columns.ToArray();
        ClassLists = classLists ?? new Dictionary<string, IReadOnlyList<string>>();
        TrainingReport = report;
        var outputs = OutputColumns.Select(c => c.Output).Distinct().ToArray();
        _runner = new ModelRunner(network, Devices.Resolve(device), outputs);
        var lengths = input.Lengths ?? [network.InputLength];
        if (lengths.Count != input.ColumnNames.Count || lengths.Sum() != network.InputLength)
            throw new ArgumentException($"The input columns {string.Join(", ", input.ColumnNames)} hold [{string.Join(", ", lengths)}] values; the model reads {network.InputLength}.");
        _mapping = new RowBlockMapping(input.ColumnNames.Zip(lengths).ToArray(), input.Role, _runner.OutputLength, _runner.Predict,
            OutputColumns.Select(c => MakeColumn(c, _runner.Offsets[Array.IndexOf(outputs, c.Output)], network.OutputSizes[c.Output])).ToArray());
    }

    /// <summary>The method that made this model, e.g. "NetworkClassifier", "LayerTransfer", "DomainAdversarial", "ConSE".</summary>
    public string Method { get; }

    /// <summary>The input column the model reads (the first, for a model with task-specific inputs).</summary>
    public string InputColumnName => Input.ColumnNames[0];

    /// <summary>Every input column the model reads; a row's values are theirs one after another.</summary>
    public IReadOnlyList<string> InputColumnNames => Input.ColumnNames;

    /// <summary>Floats per input row.</summary>
    public int InputLength => Network.InputLength;

    /// <summary>The model: trunk blocks (input shape resolved) and named heads.</summary>
    public ModelSpec ModelSpec => Network.ModelSpec;

    /// <summary>The trunk's blocks (without the heads), with the input shape resolved.</summary>
    public NetworkSpec NetworkSpec => Network.Spec;

    /// <summary>The columns Transform appends, in order.</summary>
    public IReadOnlyList<OutputColumnSpec> OutputColumns { get; }

    /// <summary>
    /// Named class lists the method kept (zero-shot models: "seen" and "candidates"); empty for others.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ClassLists { get; }

    /// <summary>The classes of the first class-score or predicted-key column, as text; null when there is none or it has no names.</summary>
    public IReadOnlyList<string>? ClassNames => OutputColumns.FirstOrDefault(c => c.Kind != OutputColumnKind.Vector)?.Names;

    /// <summary>Length of the first head's output (the number of classes of a classifier).</summary>
    public int NumberOfClasses => Network.OutputSize;

    /// <summary>How training went (per-epoch losses, selected epoch, method metrics); null for a loaded model.</summary>
    public TrainingReport? TrainingReport { get; }

    internal Network Network { get; }

    internal ModelInput Input { get; }

    internal DeviceKind Device => _device;

    private protected override RowBlockMapping Mapping
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _mapping;
        }
    }

    private static OutputColumn MakeColumn(OutputColumnSpec column, int offset, int length)
    {
        if (column.Names is not null && column.Names.Count != length)
            throw new ArgumentException($"Column '{column.Name}' names {column.Names.Count} values for an output of {length}.");
        var names = column.Names is null ? null : KeyValues.FromNames(column.Names, column.NamesType);
        return column.Kind switch
        {
            OutputColumnKind.Vector => new VectorOutputColumn(column.Name, offset, length, names?.ToAnnotations(AnnotationKinds.SlotNames)),
            OutputColumnKind.ClassScores => new VectorOutputColumn(column.Name, offset, length, ScoreAnnotations(names)),
            OutputColumnKind.Scalar or OutputColumnKind.Probability or OutputColumnKind.PredictedBoolean when length != 1 =>
                throw new ArgumentException($"Column '{column.Name}' is a {column.Kind}, which reads one value, but its output '{column.Output}' has {length}."),
            OutputColumnKind.Scalar => new ScalarOutputColumn(column.Name, offset),
            OutputColumnKind.Probability => new ScalarOutputColumn(column.Name, offset, sigmoid: true),
            OutputColumnKind.PredictedBoolean => new PositiveOutputColumn(column.Name, offset),
            OutputColumnKind.PredictedKey => new ArgMaxKeyOutputColumn(column.Name, offset, length, names?.ToAnnotations(AnnotationKinds.KeyValues)),
            _ => throw new ArgumentOutOfRangeException(nameof(column), column.Kind, "Unknown column kind."),
        };
    }

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

    internal static VersionInfo CurrentVersion() => new(ModelSignature, FormatVersion, FormatVersion, FormatVersion,
        typeof(NetworkTransformer).Assembly.FullName, LoaderSignature);

    private protected override void Save(ModelSaveContext context)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        context.CheckAtModel();
        context.SetVersionInfo(CurrentVersion());
        ModelFormat.Save(context, this);
    }

    // ML.NET calls this, found through [assembly: LoadableClass], for parts written by this format.
    private static NetworkTransformer Create(IHostEnvironment env, ModelLoadContext context)
    {
        context.CheckAtModel(CurrentVersion());
        return ModelFormat.Load(context);
    }

    /// <summary>Frees the model's native memory. The transformer cannot be used or saved afterwards.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _runner.Dispose();
        Network.Dispose();
    }
}

/// <summary>
/// The columns a model reads — one, or several whose values are concatenated (task-specific inputs),
/// with their lengths — and how messages name them ("Feature", or "Score" for ConSE).
/// </summary>
internal sealed record ModelInput(IReadOnlyList<string> ColumnNames, string Role, IReadOnlyList<int>? Lengths = null)
{
    /// <summary>One input column, as long as the model's input.</summary>
    public ModelInput(string columnName, string role) : this([columnName], role)
    {
    }
}
