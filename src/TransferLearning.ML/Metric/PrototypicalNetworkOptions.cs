using Microsoft.ML;

namespace TransferLearning.ML.Metric;

/// <summary>Options of <see cref="PrototypicalNetworkTrainer"/>: the embedding, the episodes, and the optional support set whose prototypes the model keeps.</summary>
public sealed class PrototypicalNetworkOptions : EpisodicOptions
{
    /// <summary>Output: the embedding. Default "Embedding".</summary>
    public string EmbeddingColumnName { get; set; } = "Embedding";

    /// <summary>Size of the embedding (a linear map after the network's layers); at least 1. Default 64.</summary>
    public int EmbeddingSize { get; set; } = 64;

    /// <summary>
    /// Labelled rows of the classes to predict (same feature and label column names; usually
    /// classes never seen in training). When set, the model also writes <c>Score</c> and
    /// <c>PredictedLabel</c> against their prototypes. Default null: the model writes the embedding only.
    /// </summary>
    public IDataView? Support { get; set; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(!string.IsNullOrWhiteSpace(EmbeddingColumnName), nameof(EmbeddingColumnName), EmbeddingColumnName, "a non-empty column name");
        Require(EmbeddingSize >= 1, nameof(EmbeddingSize), EmbeddingSize, "at least 1");
    }
}
