using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Data;

using TransferLearning.ML.Torch.Modules;

using TransferLearning.ML.Torch.Training;

using TransferLearning.ML.Torch.ZeroShot;

namespace TransferLearning.ML.ZeroShot;

/// <summary>
/// ConSE, convex combination of semantic embeddings (Norouzi et al., ICLR 2014): no training. Given
/// the <c>Score</c> column of any fitted multiclass model over the seen classes, it keeps the top T
/// probabilities, renormalises them, forms the convex combination of those classes' embeddings, and
/// ranks the candidate classes by cosine similarity to it. Outputs <c>Embedding</c>, <c>Score</c>
/// (the cosine similarity to each candidate) and <c>PredictedLabel</c> (a key of candidate names).
/// </summary>
public sealed class ConSEProjector : IEstimator<NetworkTransformer>
{
    private readonly ConSEOptions _options;

    /// <summary>Creates the estimator; the options are checked now.</summary>
    internal ConSEProjector(ConSEOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>Reads the seen classes from the input's Score column and builds the model (no rows are read).</summary>
    /// <exception cref="ArgumentException">The Score column is missing or unnamed, or a class is not in the table.</exception>
    public NetworkTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var score = ColumnChecks.FloatVector(input.Schema, _options.InputScoreColumnName, "Score");
        int seenCount = ((VectorDataViewType)score.Type).Size;
        var seen = _options.SeenClasses?.ToArray() ?? SlotNames(score)
            ?? throw new ArgumentException(
                $"Score column '{score.Name}' has no slot names to name the seen classes; set ConSEOptions.SeenClasses.", nameof(input));
        if (seen.Length != seenCount)
            throw new ArgumentException($"Score column '{score.Name}' has {seenCount} slots but {seen.Length} seen class names.", nameof(input));
        var candidates = CandidateClasses.Resolve(_options, seen);
        var table = _options.ClassDescriptions!;
        int length = table.Length;
        var network = new Network(ZeroShotModels.ConSE(seen.Length, length, _options.TopCount, candidates.Length,
            ZeroShotModels.SeenOffsets(seen, candidates, _options.SeenClassPenalty)), seen.Length);
        network.HeadModule(ZeroShotModels.Embedding).SetBuffer("table", table.Matrix(seen));
        network.HeadModule(ZeroShotModels.Scores).SetBuffer("table", table.Matrix(candidates));
        return new NetworkTransformer("ConSE", network, DeviceKind.Cpu, new ModelInput(score.Name, "Score"),
            ZeroShotColumns.Declare(_options.EmbeddingColumnName, ZeroShotModels.Embedding, _options.ScoreColumnName, _options.PredictedLabelColumnName, candidates),
            ZeroShotColumns.Lists(seen, candidates), null);
    }

    private static string[]? SlotNames(DataViewSchema.Column column)
    {
        if (column.Annotations.Schema.GetColumnOrNull(AnnotationKinds.SlotNames) is null) return null;
        VBuffer<ReadOnlyMemory<char>> names = default;
        column.GetSlotNames(ref names);
        var text = names.DenseValues().Select(n => n.ToString()).ToArray();
        return text.All(n => n.Length > 0) ? text : null;
    }

    /// <summary>The input schema plus Embedding, Score and PredictedLabel.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ColumnChecks.FloatVector(inputSchema, _options.InputScoreColumnName, "Score");
        return ZeroShotTraining.OutputShape(inputSchema, _options.EmbeddingColumnName, _options);
    }
}
