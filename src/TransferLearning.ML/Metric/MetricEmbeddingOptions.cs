using TransferLearning.ML.Classification;
using TransferLearning.ML.Torch.Metric;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Metric;

/// <summary>Options of <see cref="MetricEmbeddingTrainer"/>: the network, the loss, its miner and distance, the P x K batches, and training settings.</summary>
public sealed class MetricEmbeddingOptions : TrainingOptions, IMetricEmbeddingSettings
{
    /// <summary>Input: a known-size vector of Single. Default "Features".</summary>
    public string FeatureColumnName { get; set; } = DefaultColumnNames.Features;

    /// <summary>Input: a key label (the classes whose rows should embed close together). Default "Label".</summary>
    public string LabelColumnName { get; set; } = DefaultColumnNames.Label;

    /// <summary>Output: the L2-normalised embedding. Default "Embedding".</summary>
    public string EmbeddingColumnName { get; set; } = "Embedding";

    /// <summary>The layers before the embedding head. Default <c>NetworkSpec.Mlp(128)</c>.</summary>
    public NetworkSpec Network { get; set; } = NetworkSpec.Mlp(128);

    /// <summary>Embedding size; at least 1. Default 64.</summary>
    public int EmbeddingSize { get; set; } = 64;

    /// <summary>The loss. Default <see cref="MetricLoss.Triplet"/>.</summary>
    public MetricLoss Loss { get; set; } = MetricLoss.Triplet;

    /// <summary>Which triplets the triplet loss sees. Default <see cref="TripletMining.BatchHard"/>.</summary>
    public TripletMining Mining { get; set; } = TripletMining.BatchHard;

    /// <summary>Distance of the triplet and contrastive losses (NT-Xent always uses cosine). Default <see cref="MetricDistance.Euclidean"/>.</summary>
    public MetricDistance Distance { get; set; } = MetricDistance.Euclidean;

    /// <summary>The triplet margin, or the contrastive loss's positive margin (for cosine: the similarity positives should reach). Default 0.2; finite, at least 0.</summary>
    public double Margin { get; set; } = 0.2;

    /// <summary>The contrastive loss's negative margin (negatives farther than it, or for cosine less similar, cost nothing). Default 1; finite.</summary>
    public double NegativeMargin { get; set; } = 1.0;

    /// <summary>NT-Xent's temperature τ; greater than 0. Default 0.1.</summary>
    public double Temperature { get; set; } = 0.1;

    /// <summary>P, classes per batch; at least 2. Default 8 (capped by the number of classes at Fit).</summary>
    public int ClassesPerBatch { get; set; } = 8;

    /// <summary>K, rows per class in a batch; at least 2. Default 4.</summary>
    public int RowsPerClass { get; set; } = 4;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(!string.IsNullOrWhiteSpace(FeatureColumnName), nameof(FeatureColumnName), FeatureColumnName, "a non-empty column name");
        Require(!string.IsNullOrWhiteSpace(LabelColumnName), nameof(LabelColumnName), LabelColumnName, "a non-empty column name");
        Require(!string.IsNullOrWhiteSpace(EmbeddingColumnName), nameof(EmbeddingColumnName), EmbeddingColumnName, "a non-empty column name");
        Require(Network is not null, nameof(Network), null, "a network spec");
        Require(EmbeddingSize >= 1, nameof(EmbeddingSize), EmbeddingSize, "at least 1");
        Require(Enum.IsDefined(Loss), nameof(Loss), Loss, "a defined MetricLoss");
        Require(Enum.IsDefined(Mining), nameof(Mining), Mining, "a defined TripletMining");
        Require(Enum.IsDefined(Distance), nameof(Distance), Distance, "a defined MetricDistance");
        Require(Margin >= 0 && double.IsFinite(Margin), nameof(Margin), Margin, "a finite number of at least 0");
        Require(double.IsFinite(NegativeMargin), nameof(NegativeMargin), NegativeMargin, "a finite number");
        Require(Temperature > 0 && double.IsFinite(Temperature), nameof(Temperature), Temperature, "a finite number greater than 0");
        Require(ClassesPerBatch >= 2, nameof(ClassesPerBatch), ClassesPerBatch, "at least 2");
        Require(RowsPerClass >= 2, nameof(RowsPerClass), RowsPerClass, "at least 2 (an anchor needs a positive)");
    }
}
