using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Data;
using TransferLearning.ML.Training;
using TransferLearning.ML.Torch.Metric;
using TransferLearning.ML.Torch.Models;

namespace TransferLearning.ML.Metric;

/// <summary>
/// Metric learning: a network whose head is an L2-normalised embedding, trained so that rows of one
/// class embed close together and rows of different classes far apart — with the triplet margin loss
/// on mined triplets (all, batch-hard or semi-hard), the contrastive (siamese) loss on pairs, or
/// NT-Xent with labels — on class-balanced P x K batches (pytorch-metric-learning's pieces; Hermans
/// et al. 2017 for P x K and batch-hard). Outputs the <c>Embedding</c> column, for nearest-neighbour
/// search, clustering, or a classifier over new classes.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Column</term><description>Type</description></listheader>
/// <item><term>Features (input)</term><description>known-size vector of Single</description></item>
/// <item><term>Label (input)</term><description>key; every training row labelled; every class needs at least 2 rows</description></item>
/// <item><term>Embedding (output)</term><description>vector of Single, unit length</description></item>
/// </list>
/// Create it with <c>mlContext.TransferLearning().MetricEmbedding(...)</c>.
/// </remarks>
public sealed class MetricEmbeddingTrainer : NetworkEstimator<MetricEmbeddingOptions>
{
    internal MetricEmbeddingTrainer(IHostEnvironment env, MetricEmbeddingOptions options) : base(env, options)
    {
    }

    /// <summary>Trains the embedding on the labelled rows.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type.</exception>
    /// <exception cref="InvalidDataException">No rows, a NaN feature, an unlabelled row, or a class with a single row.</exception>
    public override NetworkTransformer Fit(IDataView input)
    {
        var data = ClassifierTrainer.Read(input, new ClassifierOptions { FeatureColumnName = Options.FeatureColumnName, LabelColumnName = Options.LabelColumnName });
        var counts = data.Rows.Labels.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        var lonely = counts.Where(c => c.Value < 2).Select(c => data.ClassNames?.Names[(int)c.Key] ?? $"key {c.Key + 1}").ToArray();
        if (lonely.Length > 0)
            throw new InvalidDataException($"Label column '{Options.LabelColumnName}': classes {string.Join(", ", lonely)} have a single row; metric learning needs at least 2 rows per class.");
        if (counts.Count < 2) throw new InvalidDataException($"Label column '{Options.LabelColumnName}' has {counts.Count} class; metric learning needs at least 2.");
        var spec = new ModelSpec { Trunk = Options.Network, Heads = [new EmbeddingHeadSpec("embedding", Options.EmbeddingSize) { Normalize = true }] };
        var network = ClassifierTrainer.CreateNetwork(spec, data.Rows.Length, Options.Seed, nameof(MetricEmbeddingOptions.Network));
        var sampler = MetricEmbeddingStep.Sampler(data.Rows.Labels, Math.Min(Options.ClassesPerBatch, counts.Count), Options.RowsPerClass);
        var report = TrainingRun.Execute(Environment, "MetricEmbedding", Options, data.Rows, network, context => context.Run(
            new MetricEmbeddingStep(context.Network, context.Features, context.Labels, Options), Options, sampler));
        return new NetworkTransformer("MetricEmbedding", network, Options.Device, new ModelInput(Options.FeatureColumnName, "Feature"),
            [new OutputColumnSpec(Options.EmbeddingColumnName, "embedding", OutputColumnKind.Vector)], null, report);
    }

    /// <summary>The input plus the embedding column.</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnChecks.FloatVector(inputSchema, Options.FeatureColumnName, "Feature");
        ColumnChecks.KeyLabel(inputSchema, Options.LabelColumnName);
        var columns = inputSchema.ToDictionary(c => c.Name);
        columns[Options.EmbeddingColumnName] = new SchemaShape.Column(Options.EmbeddingColumnName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
        return new SchemaShape(columns.Values);
    }
}
