using Microsoft.ML;
using TransferLearning.ML.Metric;
using TransferLearning.ML.Torch.Metric;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Classification;

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
    /// <param name="reference">Labelled rows holding the embedding column and a key label.</param>
    /// <param name="embeddingColumnName">The embedding column. Default "Embedding".</param>
    /// <param name="labelColumnName">The reference rows' key label. Default "Label".</param>
    /// <param name="cosine">Compare by cosine similarity instead of Euclidean distance. Default false.</param>
    public PrototypeClassifierEstimator PrototypeClassifier(IDataView reference, string embeddingColumnName = "Embedding",
        string labelColumnName = DefaultColumnNames.Label, bool cosine = false) => new(reference, embeddingColumnName, labelColumnName, cosine);
}
