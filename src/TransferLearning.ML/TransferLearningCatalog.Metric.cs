using Microsoft.ML;
using TransferLearning.ML.Metric;
using TransferLearning.ML.Torch.Metric;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Torch.MetaLearning;

namespace TransferLearning.ML;

/// <summary>Metric learning.</summary>
public sealed partial class TransferLearningCatalog
{
    /// <summary>
    /// A metric embedding: an L2-normalised embedding network trained with a metric loss on P x K
    /// class-balanced batches; writes <c>Embedding</c>.
    /// </summary>
    /// <param name="labelColumnName">Key label. Default "Label".</param>
    /// <param name="featureColumnName">Float vector feature column. Default "Features".</param>
    /// <param name="loss">The loss. Default triplet.</param>
    /// <param name="embeddingSize">Embedding size. Default 64.</param>
    /// <param name="network">The layers before the embedding; default <c>NetworkSpec.Mlp(128)</c>.</param>
    /// <param name="epochs">Passes over the rows. Default 10.</param>
    /// <param name="seed">Seeds initialisation and batches. Default 0.</param>
    public MetricEmbeddingTrainer MetricEmbedding(string labelColumnName = DefaultColumnNames.Label, string featureColumnName = DefaultColumnNames.Features,
        MetricLoss loss = MetricLoss.Triplet, int embeddingSize = 64, NetworkSpec? network = null, int epochs = TrainingDefaults.Epochs, int seed = TrainingDefaults.Seed)
    {
        var options = new MetricEmbeddingOptions
        {
            LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, Loss = loss, EmbeddingSize = embeddingSize, Epochs = epochs, Seed = seed,
        };
        if (network is not null) options.Network = network;
        return new MetricEmbeddingTrainer(Context, options);
    }

    /// <summary>A metric embedding with every setting of <see cref="MetricEmbeddingOptions"/>.</summary>
    public MetricEmbeddingTrainer MetricEmbedding(MetricEmbeddingOptions options) => new(Context, options);

    /// <summary>
    /// Classifies rows by their nearest class prototype (the mean embedding of the class's rows in
    /// <paramref name="reference"/>; Snell et al. 2017): Score is the softmax over classes of minus the
    /// distance. New classes need only reference rows, no training.
    /// </summary>
    /// <param name="reference">Labelled rows holding the embedding column and a key label; every class needs a row.</param>
    /// <param name="embeddingColumnName">The embedding column. Default "Embedding".</param>
    /// <param name="labelColumnName">The reference rows' key label. Default "Label".</param>
    /// <param name="cosine">Compare by cosine similarity instead of Euclidean distance. Default false.</param>
    public ReferenceClassifierEstimator PrototypeClassifier(IDataView reference, string embeddingColumnName = "Embedding",
        string labelColumnName = DefaultColumnNames.Label, bool cosine = false) => new(reference, embeddingColumnName, labelColumnName, cosine, 0);

    /// <summary>
    /// Classifies rows by the votes of their <paramref name="neighbors"/> nearest rows in
    /// <paramref name="reference"/> (k-NN; Cover and Hart 1967): Score is each class's share of the
    /// votes; equal shares go to the class whose voters are nearer. The model stores the reference rows.
    /// </summary>
    /// <param name="reference">Labelled rows holding the embedding column and a key label; every class needs a row.</param>
    /// <param name="neighbors">k; from 1 to the number of reference rows. Default 5.</param>
    /// <param name="embeddingColumnName">The embedding column. Default "Embedding".</param>
    /// <param name="labelColumnName">The reference rows' key label. Default "Label".</param>
    /// <param name="cosine">Compare by cosine similarity instead of Euclidean distance. Default false.</param>
    public ReferenceClassifierEstimator NearestNeighborsClassifier(IDataView reference, int neighbors = 5, string embeddingColumnName = "Embedding",
        string labelColumnName = DefaultColumnNames.Label, bool cosine = false)
    {
        if (neighbors < 1) throw new ArgumentOutOfRangeException(nameof(neighbors), neighbors, "neighbors (k) must be at least 1.");
        return new(reference, embeddingColumnName, labelColumnName, cosine, neighbors);
    }

    /// <summary>
    /// A prototypical network (Snell, Swersky and Zemel 2017): an embedding trained on N-way K-shot
    /// episodes of the training classes; with <see cref="PrototypicalNetworkOptions.Support"/> the model also
    /// classifies against the support set's prototypes. Writes <c>Embedding</c> (and Score, PredictedLabel).
    /// </summary>
    public PrototypicalNetworkTrainer PrototypicalNetwork(PrototypicalNetworkOptions options) => new(Context, options);

    /// <summary>
    /// MAML (Finn, Abbeel and Levine 2017): meta-learns initial weights that adapt to a new N-way task
    /// in a few gradient steps; second order by default, first order with <see cref="MamlOptions.FirstOrder"/>.
    /// Fit adapts to <see cref="MamlOptions.Support"/>; <see cref="MamlTrainer.MetaTrain"/> returns the initialisation.
    /// </summary>
    public MamlTrainer Maml(MamlOptions options) => new(Context, options);

    /// <summary>
    /// Leave-one-out retrieval quality of an embedding column: Precision@1, R-precision and MAP@R
    /// (Musgrave, Belongie and Lim 2020). Every row queries all the others.
    /// </summary>
    /// <param name="data">Rows holding the embedding column and a key label (usually held-out classes).</param>
    /// <param name="embeddingColumnName">The embedding column. Default "Embedding".</param>
    /// <param name="labelColumnName">The key label. Default "Label".</param>
    /// <param name="distance">How rows are compared. Default Euclidean.</param>
    /// <exception cref="InvalidDataException">No class has two rows (nothing can be retrieved), or the rows cannot be read.</exception>
    public RetrievalMetrics EvaluateRetrieval(IDataView data, string embeddingColumnName = "Embedding", string labelColumnName = DefaultColumnNames.Label,
        MetricDistance distance = MetricDistance.Euclidean)
    {
        var rows = ReadEmbeddings(data, embeddingColumnName, labelColumnName);
        using var scope = TorchSharp.torch.NewDisposeScope();
        var (p1, rPrecision, map, queries) = Retrieval.Scores(TorchSharp.torch.tensor(rows.Features, [rows.Count, rows.Length]), rows.Labels, distance);
        if (queries == 0) throw new InvalidDataException($"Label column '{labelColumnName}': no class has two rows, so no row has anything to retrieve.");
        return new RetrievalMetrics(p1, rPrecision, map, queries);
    }

    /// <summary>
    /// N-way K-shot accuracy of an embedding with nearest-centroid classification, over
    /// <paramref name="episodes"/> episodes drawn from the rows' classes, with a 95 % confidence
    /// interval. The same seed and rows give the same episodes as <see cref="MamlModel.EvaluateFewShot"/>.
    /// </summary>
    /// <param name="data">Rows holding the embedding column and a key label (usually classes unseen in training).</param>
    /// <param name="embeddingColumnName">The embedding column. Default "Embedding".</param>
    /// <param name="labelColumnName">The key label. Default "Label".</param>
    /// <param name="ways">N. Default 5.</param>
    /// <param name="shots">K. Default 1.</param>
    /// <param name="queries">Q per class. Default 15.</param>
    /// <param name="episodes">Episodes. Default 600.</param>
    /// <param name="seed">Seeds the episodes. Default 0.</param>
    public FewShotMetrics EvaluateFewShot(IDataView data, string embeddingColumnName = "Embedding", string labelColumnName = DefaultColumnNames.Label,
        int ways = 5, int shots = 1, int queries = 15, int episodes = 600, int seed = 0)
    {
        var rows = ReadEmbeddings(data, embeddingColumnName, labelColumnName);
        using var embeddings = TorchSharp.torch.tensor(rows.Features, [rows.Count, rows.Length]);
        return FewShotMetrics.Measure(rows.Labels, labelColumnName, ways, shots, queries, episodes, seed, FewShotEpisodes.NearestPrototype(embeddings, ways));
    }

    private static Data.LabeledRows ReadEmbeddings(IDataView data, string embeddingColumnName, string labelColumnName) =>
        ClassifierTrainer.Read(data, new ClassifierOptions { FeatureColumnName = embeddingColumnName, LabelColumnName = labelColumnName }).Rows;
}
