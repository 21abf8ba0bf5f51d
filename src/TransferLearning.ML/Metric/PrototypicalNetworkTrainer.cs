using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Data;
using TransferLearning.ML.Training;
using TransferLearning.ML.Torch.Inference;
using TransferLearning.ML.Torch.Metric;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Metric;

/// <summary>
/// Prototypical networks (Snell, Swersky and Zemel 2017): an embedding trained episode by episode —
/// N classes, K support and Q query rows each — so that queries are nearest to the mean embedding
/// (prototype) of their class's support rows, under squared Euclidean distance. The point is
/// classes never seen in training: give a few labelled rows of them (<see cref="PrototypicalNetworkOptions.Support"/>)
/// and the model classifies against their prototypes.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Column</term><description>Type</description></listheader>
/// <item><term>Features (input)</term><description>known-size vector of Single</description></item>
/// <item><term>Label (input, training)</term><description>key; every class needs Shots + Queries rows</description></item>
/// <item><term>Embedding (output)</term><description>vector of Single</description></item>
/// <item><term>Score, PredictedLabel (output, with a support set)</term><description>softmax over the support classes of minus the squared distance; key over the support label's classes</description></item>
/// </list>
/// Create it with <c>mlContext.TransferLearning().PrototypicalNetwork(...)</c>. Without a support set,
/// classify new classes with <c>PrototypeClassifier</c> on the Embedding column.
/// </remarks>
public sealed class PrototypicalNetworkTrainer : NetworkEstimator<PrototypicalNetworkOptions>
{
    internal const string EmbeddingHead = "embedding";
    private const string PrototypesHead = "prototypes";

    internal PrototypicalNetworkTrainer(IHostEnvironment env, PrototypicalNetworkOptions options) : base(env, options) => options.CheckSupport(options.Support);

    /// <summary>Trains the embedding on episodes of the labelled rows, then (with a support set) stores its prototypes.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type or size (in the input or the support set).</exception>
    /// <exception cref="InvalidDataException">No rows, a NaN, an unlabelled row, a class with fewer than Shots + Queries rows, fewer than Ways classes; a support class without rows.</exception>
    public override NetworkTransformer Fit(IDataView input)
    {
        var data = Options.ReadEpisodic(input);
        var support = Options.Support is null ? null
            : ClassifierTrainer.Read(Options.Support, new ClassifierOptions { FeatureColumnName = Options.FeatureColumnName, LabelColumnName = Options.LabelColumnName }, data.Rows.Length);
        var embedding = new EmbeddingHeadSpec(EmbeddingHead, Options.EmbeddingSize);
        HeadSpec[] heads = support is null ? [embedding]
            : [embedding, new CandidateScoresSpec(PrototypesHead, EmbeddingHead, support.Classes, CandidateMatching.NegativeSquaredEuclidean) { Probabilities = true }];
        var network = ClassifierTrainer.CreateNetwork(new ModelSpec { Trunk = Options.Network, Heads = heads }, data.Rows.Length, Options.Seed, nameof(EpisodicOptions.Network));
        var sampler = PrototypicalStep.Sampler(data.Rows.Labels, Options.Ways, Options.Shots, Options.Queries, Options.EpisodesPerEpoch);
        var report = TrainingRun.Execute(Environment, "PrototypicalNetwork", Options, data.Rows, network, context => context.Run(
            new PrototypicalStep(context.Network, context.Features, context.Labels, EmbeddingHead, Options.Ways, Options.Queries), Options, sampler));
        var columns = new List<OutputColumnSpec> { new(Options.EmbeddingColumnName, EmbeddingHead, OutputColumnKind.Vector) };
        if (support is not null)
        {
            using (var runner = new ModelRunner(network, Devices.Resolve(Options.Device), [EmbeddingHead]))
            {
                var embedded = runner.PredictAll(support.Rows.Features, support.Rows.Count);
                network.HeadModule(PrototypesHead).SetBuffer("table", ReferenceClassifierEstimator.Prototypes(embedded, Options.EmbeddingSize, support));
            }
            columns.AddRange(ClassifierColumns.Declare(DefaultColumnNames.Score, DefaultColumnNames.PredictedLabel, null, PrototypesHead, support.ClassNames));
        }
        return new NetworkTransformer("PrototypicalNetwork", network, Options.Device, new ModelInput(Options.FeatureColumnName, "Feature"), columns, null, report);
    }

    /// <summary>The input plus the embedding column (and, with a support set, Score and PredictedLabel).</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnChecks.FloatVector(inputSchema, Options.FeatureColumnName, "Feature");
        var columns = Options.Support is null ? inputSchema.ToDictionary(c => c.Name) : Options.SupportClassifierShape(inputSchema, Options.Support);
        columns[Options.EmbeddingColumnName] = new SchemaShape.Column(Options.EmbeddingColumnName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
        return new SchemaShape(columns.Values);
    }
}
