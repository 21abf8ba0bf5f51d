using TransferLearning.ML.Classification;

namespace TransferLearning.ML.Clustering;

/// <summary>Options of <see cref="SelfTaughtClusteringEstimator"/> (Dai et al. 2008).</summary>
public sealed class SelfTaughtClusteringOptions
{
    /// <summary>Input of both data sets: a known-size vector of non-negative Single (counts, pixel intensities), the same size in both. Default "Features".</summary>
    public string FeatureColumnName { get; set; } = DefaultColumnNames.Features;

    /// <summary>Target clusters K; at least 2 and at most the target rows. Default 10.</summary>
    public int Clusters { get; set; } = 10;

    /// <summary>Clusters of the auxiliary rows; null (the default) for <see cref="Clusters"/>.</summary>
    public int? AuxiliaryClusters { get; set; }

    /// <summary>Clusters of the features, shared by both data sets; at least 1 and at most the feature count. Default 32.</summary>
    public int FeatureClusters { get; set; } = 32;

    /// <summary>λ, the weight of the auxiliary data's term (0: plain co-clustering of the target). Default 1.</summary>
    public double Tradeoff { get; set; } = 1;

    /// <summary>Rounds of updates (features, auxiliary rows, target rows); at least 1. Default 20.</summary>
    public int Iterations { get; set; } = 20;

    /// <summary>
    /// Random starts; the one with the lowest final objective is kept (alternating updates stop in
    /// local optima that depend on the start). At least 1. Default 5.
    /// </summary>
    public int Restarts { get; set; } = 5;

    /// <summary>Seeds the initial random assignments. Default 0.</summary>
    public int Seed { get; set; }

    /// <summary>Output: the log-likelihood of each target cluster. Default "Score".</summary>
    public string ScoreColumnName { get; set; } = DefaultColumnNames.Score;

    /// <summary>Output: the cluster, a key of <see cref="Clusters"/> values. Default "PredictedLabel" (as ML.NET's KMeans).</summary>
    public string PredictedLabelColumnName { get; set; } = DefaultColumnNames.PredictedLabel;

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is out of range, naming it.</exception>
    public void Validate()
    {
        static void Require(bool ok, string name, object? value, string expected)
        {
            if (!ok) throw new ArgumentException($"Option {name} must be {expected}, but is {value ?? "null"}.", name);
        }
        Require(!string.IsNullOrWhiteSpace(FeatureColumnName), nameof(FeatureColumnName), FeatureColumnName, "a non-empty column name");
        Require(Clusters >= 2, nameof(Clusters), Clusters, "at least 2");
        Require(AuxiliaryClusters is null or >= 1, nameof(AuxiliaryClusters), AuxiliaryClusters, "null or at least 1");
        Require(FeatureClusters >= 1, nameof(FeatureClusters), FeatureClusters, "at least 1");
        Require(Tradeoff >= 0 && double.IsFinite(Tradeoff), nameof(Tradeoff), Tradeoff, "a finite number of at least 0");
        Require(Iterations >= 1, nameof(Iterations), Iterations, "at least 1");
        Require(Restarts >= 1, nameof(Restarts), Restarts, "at least 1");
    }
}
