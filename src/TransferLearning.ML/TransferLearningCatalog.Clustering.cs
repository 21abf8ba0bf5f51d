using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Clustering;

namespace TransferLearning.ML;

/// <summary>Self-taught clustering and clustering evaluation.</summary>
public sealed partial class TransferLearningCatalog
{
    /// <summary>
    /// Self-taught clustering (Dai, Yang, Xue and Yu 2008): clusters the target rows (Fit's input)
    /// by co-clustering them with the unlabelled <paramref name="auxiliary"/> rows over one shared
    /// clustering of the features. Writes PredictedLabel (the cluster, a key) and Score.
    /// </summary>
    /// <param name="auxiliary">Plentiful unlabelled rows with the same non-negative feature column.</param>
    /// <param name="options">Clusters, feature clusters, λ and rounds; default <see cref="SelfTaughtClusteringOptions"/>'s.</param>
    public SelfTaughtClusteringEstimator SelfTaughtClustering(IDataView auxiliary, SelfTaughtClusteringOptions? options = null) =>
        new(auxiliary, options ?? new SelfTaughtClusteringOptions());

    /// <summary>
    /// Compares cluster ids with class labels: normalised mutual information, adjusted Rand index
    /// and accuracy under the best cluster-to-class matching (<see cref="ClusteringAgreementMetrics"/>).
    /// Rows with a missing label or cluster (key 0) are left out.
    /// </summary>
    /// <param name="data">Rows holding both columns (e.g. the output of ML.NET's KMeans on labelled rows).</param>
    /// <param name="labelColumnName">The true classes: a key or UInt32 column. Default "Label".</param>
    /// <param name="clusterColumnName">The cluster ids: a key or UInt32 column. Default "PredictedLabel" (what KMeans writes).</param>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or not a key / UInt32.</exception>
    /// <exception cref="InvalidDataException">No row has both a label and a cluster.</exception>
    public ClusteringAgreementMetrics EvaluateClustering(IDataView data, string labelColumnName = DefaultColumnNames.Label, string clusterColumnName = DefaultColumnNames.PredictedLabel)
    {
        ArgumentNullException.ThrowIfNull(data);
        var labels = KeyValuesOf(data, labelColumnName);
        var clusters = KeyValuesOf(data, clusterColumnName);
        var both = Enumerable.Range(0, labels.Length).Where(i => labels[i] != 0 && clusters[i] != 0).ToArray();
        if (both.Length == 0) throw new InvalidDataException($"No row has both a label ('{labelColumnName}') and a cluster ('{clusterColumnName}').");
        return ClusteringAgreementMetrics.Compute(both.Select(i => (long)labels[i]).ToArray(), both.Select(i => (long)clusters[i]).ToArray());
    }

    private static uint[] KeyValuesOf(IDataView data, string name)
    {
        var column = data.Schema.GetColumnOrNull(name)
            ?? throw new ArgumentOutOfRangeException(name, $"Column '{name}' is not in the data: {string.Join(", ", data.Schema.Select(c => c.Name))}.");
        if (column.Type.RawType != typeof(uint))
            throw new ArgumentOutOfRangeException(name, $"Column '{name}' is {column.Type}; expected a key or UInt32 column (use MapValueToKey for text classes).");
        return data.GetColumn<uint>(column).ToArray();
    }
}
