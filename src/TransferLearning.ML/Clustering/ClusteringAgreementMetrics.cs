namespace TransferLearning.ML.Clustering;

/// <summary>
/// How well cluster ids agree with class labels, three ways that do not depend on how the clusters
/// are numbered: normalised mutual information, the adjusted Rand index, and accuracy under the
/// best one-to-one matching of clusters to classes.
/// </summary>
public sealed class ClusteringAgreementMetrics
{
    private ClusteringAgreementMetrics(double nmi, double ari, double accuracy, int rows, int classes, int clusters)
    {
        NormalizedMutualInformation = nmi;
        AdjustedRandIndex = ari;
        MatchedAccuracy = accuracy;
        Rows = rows;
        Classes = classes;
        Clusters = clusters;
    }

    /// <summary>
    /// I(classes; clusters) / ((H(classes) + H(clusters)) / 2), in [0, 1] (the arithmetic
    /// normalisation, scikit-learn's default); 1 when both partitions are equal, and when both put every row in one group.
    /// </summary>
    public double NormalizedMutualInformation { get; }

    /// <summary>The adjusted Rand index (Hubert and Arabie 1985): pair agreement corrected for chance; 1 for equal partitions, about 0 for random ones, negative below chance.</summary>
    public double AdjustedRandIndex { get; }

    /// <summary>The share of rows whose cluster is matched to their class, under the one-to-one matching that maximises it (Hungarian algorithm; Kuhn 1955).</summary>
    public double MatchedAccuracy { get; }

    /// <summary>Rows compared.</summary>
    public int Rows { get; }

    /// <summary>Distinct classes among the rows.</summary>
    public int Classes { get; }

    /// <summary>Distinct clusters among the rows.</summary>
    public int Clusters { get; }

    /// <summary>Compares <paramref name="classes"/> and <paramref name="clusters"/> (one entry per row, any integer ids).</summary>
    /// <exception cref="ArgumentException">The lists differ in length or are empty.</exception>
    public static ClusteringAgreementMetrics Compute(IReadOnlyList<long> classes, IReadOnlyList<long> clusters)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(clusters);
        if (classes.Count != clusters.Count) throw new ArgumentException($"{classes.Count} class labels but {clusters.Count} cluster ids: one of each per row is needed.", nameof(clusters));
        if (classes.Count == 0) throw new ArgumentException("There are no rows to compare.", nameof(classes));
        var classIndex = classes.Distinct().Order().Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        var clusterIndex = clusters.Distinct().Order().Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i);
        var table = new long[classIndex.Count, clusterIndex.Count];
        for (int r = 0; r < classes.Count; r++) table[classIndex[classes[r]], clusterIndex[clusters[r]]]++;
        return new ClusteringAgreementMetrics(Nmi(table, classes.Count), Ari(table, classes.Count), (double)Matching.MaximumWeight(table) / classes.Count,
            classes.Count, classIndex.Count, clusterIndex.Count);
    }

    private static (double[] Rows, double[] Columns) Margins(long[,] table)
    {
        var rows = new double[table.GetLength(0)];
        var columns = new double[table.GetLength(1)];
        for (int i = 0; i < rows.Length; i++)
            for (int j = 0; j < columns.Length; j++)
            {
                rows[i] += table[i, j];
                columns[j] += table[i, j];
            }
        return (rows, columns);
    }

    private static double Nmi(long[,] table, int n)
    {
        var (a, b) = Margins(table);
        double Entropy(double[] counts) => -counts.Where(c => c > 0).Sum(c => c / n * Math.Log(c / n));
        double mi = 0;
        for (int i = 0; i < a.Length; i++)
            for (int j = 0; j < b.Length; j++)
                if (table[i, j] > 0) mi += (double)table[i, j] / n * Math.Log((double)table[i, j] * n / (a[i] * b[j]));
        double hA = Entropy(a), hB = Entropy(b);
        // Both partitions a single group: identical, by convention 1 (as scikit-learn).
        if (hA == 0 && hB == 0) return 1;
        return Math.Clamp(mi / ((hA + hB) / 2), 0, 1);
    }

    private static double Ari(long[,] table, int n)
    {
        static double Pairs(double x) => x * (x - 1) / 2;
        var (a, b) = Margins(table);
        double index = 0;
        foreach (var count in table) index += Pairs(count);
        double sumA = a.Sum(Pairs), sumB = b.Sum(Pairs), expected = sumA * sumB / Pairs(n), max = (sumA + sumB) / 2;
        // Equal trivial partitions (all rows in one group on both sides, or each row alone on both) agree perfectly.
        return max == expected ? 1 : (index - expected) / (max - expected);
    }
}
