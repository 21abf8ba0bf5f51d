using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using TransferLearning.ML.Data;
using TransferLearning.ML.Serialization;

namespace TransferLearning.ML.ZeroShot;

/// <summary>
/// A fitted zero-shot model (attribute prediction, attribute embedding or ConSE): appends a vector
/// per row (the predicted <c>Attributes</c>, or the <c>Embedding</c>), <c>Score</c> over the
/// candidate classes (slot names = candidate names) and <c>PredictedLabel</c>, a key whose values
/// are the candidate names, so MapKeyToValue gives the class name.
/// </summary>
public sealed class ZeroShotTransformer : RowMappingTransformer, IDisposable
{
    internal const string LoaderSignature = "TLZeroShot";
    internal const string UserName = "TransferLearning.ML zero-shot model";
    private const string ModelSignature = "TLZSHOTX";
    private const uint FormatVersion = 0x00010001;

    private readonly ZeroShotScorer _scorer;
    private readonly string[] _seen;
    private readonly string[] _candidates;
    private readonly RowBlockMapping _mapping;

    internal ZeroShotTransformer(ZeroShotScorer scorer, string inputColumnName, string vectorColumnName, string scoreColumnName,
        string predictedLabelColumnName, string[] seenClasses, string[] candidateClasses)
    {
        _scorer = scorer;
        _seen = seenClasses;
        _candidates = candidateClasses;
        InputColumnName = inputColumnName;
        VectorColumnName = vectorColumnName;
        ScoreColumnName = scoreColumnName;
        PredictedLabelColumnName = predictedLabelColumnName;
        var names = KeyValues.FromNames(candidateClasses);
        int v = scorer.VectorLength, c = scorer.Candidates;
        _mapping = new RowBlockMapping(inputColumnName, scorer.Method == ZeroShotMethod.ConSE ? "Score" : "Feature", scorer.InputLength, v + c, scorer.Compute,
        [
            new VectorOutputColumn(vectorColumnName, 0, v),
            new VectorOutputColumn(scoreColumnName, v, c, names.ToAnnotations(AnnotationKinds.SlotNames)),
            new ArgMaxKeyOutputColumn(predictedLabelColumnName, v, c, names.ToAnnotations(AnnotationKinds.KeyValues)),
        ]);
    }

    /// <summary>Which zero-shot method this is.</summary>
    public ZeroShotMethod Method => _scorer.Method;

    /// <summary>The input column: features (attribute methods) or a seen-class Score (ConSE).</summary>
    public string InputColumnName { get; }

    /// <summary>The output vector column: predicted attributes or the embedding.</summary>
    public string VectorColumnName { get; }

    /// <summary>The output column of candidate scores.</summary>
    public string ScoreColumnName { get; }

    /// <summary>The output key column of the best candidate.</summary>
    public string PredictedLabelColumnName { get; }

    /// <summary>The seen (training) classes.</summary>
    public IReadOnlyList<string> SeenClasses => _seen;

    /// <summary>The classes predicted among, in Score order.</summary>
    public IReadOnlyList<string> CandidateClasses => _candidates;

    internal ZeroShotScorer Scorer => _scorer;

    private protected override RowBlockMapping Mapping => _mapping;

    private static object CurrentVersion() =>
        MlNetInternals.VersionInfo(ModelSignature, FormatVersion, FormatVersion, LoaderSignature, typeof(ZeroShotTransformer));

    private protected override object VersionInfo => CurrentVersion();

    // Main stream, after ML.NET's header:
    //   string input, vector, score and predicted-label columns; int32 method
    //   int32 seen count + names; int32 candidate count + names
    //   the scorer's data (see each scorer's Save; networks as NetworkPersistence, weights in "Network.bin")
    private protected override void Save(ModelSaveContext context, BinaryWriter writer)
    {
        foreach (var name in new[] { InputColumnName, VectorColumnName, ScoreColumnName, PredictedLabelColumnName }) writer.Write(name);
        writer.Write((int)Method);
        WriteNames(writer, _seen);
        WriteNames(writer, _candidates);
        _scorer.Save(context, writer);
    }

    private static ZeroShotTransformer Create(IHostEnvironment env, object context)
    {
        MlNetInternals.BeginLoad(context, CurrentVersion());
        var reader = MlNetInternals.Reader(context);
        try
        {
            var columns = Enumerable.Range(0, 4).Select(_ => reader.ReadString() is { Length: > 0 } n ? n : throw new InvalidDataException("A stored column name is empty.")).ToArray();
            var method = (ZeroShotMethod)reader.ReadInt32();
            var seen = ReadNames(reader);
            var candidates = ReadNames(reader);
            if (candidates.Length == 0) throw new InvalidDataException("The model stores no candidate class.");
            ZeroShotScorer scorer = method switch
            {
                ZeroShotMethod.AttributePrediction => AttributePredictionScorer.Load(context, reader, candidates.Length),
                ZeroShotMethod.AttributeEmbedding => AttributeEmbeddingScorer.Load(context, reader, candidates.Length),
                ZeroShotMethod.ConSE => ConSEScorer.Load(reader, seen.Length, candidates.Length),
                _ => throw new InvalidDataException($"Unknown zero-shot method {(int)method}."),
            };
            return new ZeroShotTransformer(scorer, columns[0], columns[1], columns[2], columns[3], seen, candidates);
        }
        catch (Exception e) when (LoadFailure.IsBadData(e))
        {
            throw LoadFailure.Corrupt(UserName, e);
        }
    }

    private static void WriteNames(BinaryWriter writer, string[] names)
    {
        writer.Write(names.Length);
        foreach (var name in names) writer.Write(name);
    }

    private static string[] ReadNames(BinaryReader reader)
    {
        int count = reader.ReadInt32();
        if (count < 0 || count > 1 << 20) throw new InvalidDataException($"A stored class count of {count} is out of range.");
        return Enumerable.Range(0, count).Select(_ => reader.ReadString()).ToArray();
    }

    internal static MethodInfo LoaderMethod => typeof(ZeroShotTransformer).GetMethod(nameof(Create), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Frees the network and tables.</summary>
    public void Dispose() => _scorer.Dispose();
}
