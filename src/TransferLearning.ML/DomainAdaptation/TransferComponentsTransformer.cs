using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using TransferLearning.ML.Data;
using TransferLearning.ML.Serialization;
using TransferLearning.ML.Torch.Adaptation;

namespace TransferLearning.ML.DomainAdaptation;

/// <summary>
/// A fitted Transfer Component Analysis: appends the transfer components of each row's features
/// (k(x, X_fit) W), computed on blocks of rows. Saved and loaded like every transformer of this
/// package (loading needs <c>mlContext.RegisterTransferLearning()</c>).
/// </summary>
public sealed class TransferComponentsTransformer : RowMappingTransformer, IDisposable
{
    internal const string LoaderSignature = "TLTransferComponents";
    internal const string UserName = "TransferLearning.ML transfer component analysis";
    private const string ModelSignature = "TLTCAXFM";
    private const uint FormatVersion = 0x00010001;
    private const long MaxStoredFloats = 1L << 27; // 512 MiB: far above what MaximumRows allows, far below an absurd allocation

    private readonly TcaModel _model;
    private readonly RowBlockMapping _mapping;

    internal TransferComponentsTransformer(TcaModel model, string featureColumnName, string outputColumnName)
    {
        _model = model;
        FeatureColumnName = featureColumnName;
        OutputColumnName = outputColumnName;
        _mapping = new RowBlockMapping(featureColumnName, "Feature", model.Length, model.Components,
            (input, rows, output) => model.Project(input, rows, output), [new VectorOutputColumn(outputColumnName, 0, model.Components)]);
    }

    /// <summary>The input feature column.</summary>
    public string FeatureColumnName { get; }

    /// <summary>The output column of transfer components.</summary>
    public string OutputColumnName { get; }

    /// <summary>m, the number of components.</summary>
    public int Components => _model.Components;

    /// <summary>The kernel.</summary>
    public TcaKernel Kernel => _model.Kernel;

    /// <summary>γ of the RBF kernel as fitted (from the median heuristic unless set).</summary>
    public double Gamma => _model.Gamma;

    /// <summary>Number of rows the eigenproblem was solved on.</summary>
    public int FittedRows => _model.RowCount;

    /// <summary>The generalised eigenvalues of the components, largest first (empty for a loaded model).</summary>
    public IReadOnlyList<float> Eigenvalues => _model.Eigenvalues;

    internal TcaModel Model => _model;

    private protected override RowBlockMapping Mapping => _mapping;

    private static object CurrentVersion() =>
        MlNetInternals.VersionInfo(ModelSignature, FormatVersion, FormatVersion, LoaderSignature, typeof(TransferComponentsTransformer));

    private protected override object VersionInfo => CurrentVersion();

    // Main stream, after ML.NET's header:
    //   string feature column, string output column
    //   int32 kernel, double gamma, int32 rows n, int32 length d, int32 components m
    //   n*d floats (fitted rows), n*m floats (projection W)
    private protected override void Save(ModelSaveContext context, BinaryWriter writer)
    {
        writer.Write(FeatureColumnName);
        writer.Write(OutputColumnName);
        writer.Write((int)_model.Kernel);
        writer.Write(_model.Gamma);
        writer.Write(_model.RowCount);
        writer.Write(_model.Length);
        writer.Write(_model.Components);
        foreach (float value in _model.Rows) writer.Write(value);
        foreach (float value in _model.Projection) writer.Write(value);
    }

    private static TransferComponentsTransformer Create(IHostEnvironment env, object context)
    {
        MlNetInternals.BeginLoad(context, CurrentVersion());
        var reader = MlNetInternals.Reader(context);
        try
        {
            string feature = reader.ReadString(), output = reader.ReadString();
            var kernel = (TcaKernel)reader.ReadInt32();
            double gamma = reader.ReadDouble();
            int rows = reader.ReadInt32(), length = reader.ReadInt32(), components = reader.ReadInt32();
            if (feature.Length == 0 || output.Length == 0) throw new InvalidDataException("A stored column name is empty.");
            if (!Enum.IsDefined(kernel) || !double.IsFinite(gamma) || gamma < 0) throw new InvalidDataException("The stored kernel is invalid.");
            if (rows < 2 || length < 1 || components < 1 || components > rows || (long)rows * (length + components) > MaxStoredFloats)
                throw new InvalidDataException($"The stored sizes (rows {rows}, length {length}, components {components}) are out of range.");
            long needed = ((long)rows * length + (long)rows * components) * sizeof(float);
            if (reader.BaseStream.CanSeek && reader.BaseStream.Length - reader.BaseStream.Position < needed)
                throw new InvalidDataException("The stored rows and projection are truncated.");
            var fitted = ReadFloats(reader, rows * length);
            var projection = ReadFloats(reader, rows * components);
            return new TransferComponentsTransformer(TcaModel.FromParts(fitted, rows, length, projection, components, kernel, gamma), feature, output);
        }
        catch (Exception e) when (LoadFailure.IsBadData(e))
        {
            throw LoadFailure.Corrupt(UserName, e);
        }
    }

    private static float[] ReadFloats(BinaryReader reader, int count)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++) values[i] = reader.ReadSingle();
        return values;
    }

    internal static MethodInfo LoaderMethod =>
        typeof(TransferComponentsTransformer).GetMethod(nameof(Create), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Frees the cached tensors.</summary>
    public void Dispose() => _model.Dispose();
}
