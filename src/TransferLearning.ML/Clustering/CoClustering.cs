namespace TransferLearning.ML.Clustering;

/// <summary>
/// Self-taught clustering (Dai, Yang, Xue and Yu 2008): co-clusters the target rows X and the
/// auxiliary rows Y over one shared clustering of the features Z, minimising
/// J = [I(X; Z) − I(X̃; Z̃)] + λ [I(Y; Z) − I(Ỹ; Z̃)], which equals
/// D(p(X, Z) ‖ q(X, Z)) + λ D(p(Y, Z) ‖ q(Y, Z)) with q(x, z) = p(x̃, z̃) p(x | x̃) p(z | z̃)
/// (the information-theoretic co-clustering of Dhillon, Mallela and Modha 2003, on two tables).
/// Each data set is read as a joint distribution: its non-negative values divided by their sum.
/// Every update moves one kind of object (features, auxiliary rows, target rows) to the cluster
/// that minimises its term of J with q fixed, so J never increases.
/// </summary>
internal sealed class CoClustering
{
    private readonly Table _target, _auxiliary;
    private readonly double _lambda;

    /// <param name="target">Target rows [n, m], non-negative, each row with a positive sum.</param>
    /// <param name="auxiliary">Auxiliary rows [a, m], likewise.</param>
    /// <param name="clusters">Target clusters K.</param>
    /// <param name="auxiliaryClusters">Auxiliary clusters.</param>
    /// <param name="featureClusters">Feature clusters.</param>
    /// <param name="lambda">λ, the auxiliary term's weight.</param>
    /// <param name="seed">Seeds the initial assignments.</param>
    public CoClustering(double[][] target, double[][] auxiliary, int clusters, int auxiliaryClusters, int featureClusters, double lambda, int seed)
    {
        var random = new Random(seed);
        int m = target[0].Length;
        FeatureClusters = RandomAssignment(m, featureClusters, random);
        _target = new Table(target, clusters, random);
        _auxiliary = new Table(auxiliary, auxiliaryClusters, random);
        _lambda = lambda;
        FeatureClusterCount = featureClusters;
    }

    /// <summary>The cluster of every target row.</summary>
    public int[] TargetClusters => _target.RowClusters;

    /// <summary>The cluster of every auxiliary row.</summary>
    public int[] AuxiliaryClusters => _auxiliary.RowClusters;

    /// <summary>The cluster of every feature.</summary>
    public int[] FeatureClusters { get; }

    private int FeatureClusterCount { get; }

    /// <summary>J for the current assignments.</summary>
    public double Objective() => _target.Divergence(FeatureClusters, FeatureClusterCount) + _lambda * _auxiliary.Divergence(FeatureClusters, FeatureClusterCount);

    /// <summary>
    /// One round: features, then auxiliary rows, then target rows. Returns log q(z | x̃) of the
    /// target clusters [K, m] that the target update used (what assigns a new row).
    /// </summary>
    public double[,] Iterate()
    {
        UpdateFeatures();
        _auxiliary.UpdateRows(FeatureClusters, FeatureClusterCount);
        return _target.UpdateRows(FeatureClusters, FeatureClusterCount);
    }

    private void UpdateFeatures()
    {
        // z goes to argmax_j Σ_x̃ p(x̃, z) log p(x̃ | j) + λ Σ_ỹ p(ỹ, z) log p(ỹ | j)  (the j-dependent part of its term of J).
        var logTarget = _target.LogRowClusterGivenFeatureCluster(FeatureClusters, FeatureClusterCount);
        var logAuxiliary = _auxiliary.LogRowClusterGivenFeatureCluster(FeatureClusters, FeatureClusterCount);
        var massTarget = _target.RowClusterFeatureMass();
        var massAuxiliary = _auxiliary.RowClusterFeatureMass();
        for (int z = 0; z < FeatureClusters.Length; z++)
        {
            double Score(int j) => Sum(massTarget, logTarget, z, j) + _lambda * Sum(massAuxiliary, logAuxiliary, z, j);
            FeatureClusters[z] = Best(FeatureClusterCount, FeatureClusters[z], Score);
        }
    }

    private static double Sum(double[,] mass, double[,] log, int z, int j)
    {
        double total = 0;
        for (int k = 0; k < mass.GetLength(0); k++)
            if (mass[k, z] > 0) total += mass[k, z] * log[k, j];
        return total;
    }

    /// <summary>The index with the highest score; the current one on ties (so that an update never moves an object for nothing).</summary>
    internal static int Best(int count, int current, Func<int, double> score)
    {
        int best = current;
        double top = score(current);
        for (int k = 0; k < count; k++)
        {
            double s = score(k);
            if (s > top + 1e-13 * Math.Max(1, Math.Abs(top)))
            {
                top = s;
                best = k;
            }
        }
        return best;
    }

    private static int[] RandomAssignment(int count, int clusters, Random random)
    {
        // Every cluster gets at least one object when there are enough, then the rest at random.
        var assignment = Enumerable.Range(0, count).Select(i => i < clusters ? i : random.Next(clusters)).ToArray();
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (assignment[i], assignment[j]) = (assignment[j], assignment[i]);
        }
        return assignment;
    }

    /// <summary>One data set as a joint distribution p(row, feature), with its row clustering.</summary>
    private sealed class Table
    {
        private readonly double[][] _p;
        private readonly double[] _row, _feature;
        private readonly int _clusters;

        public Table(double[][] rows, int clusters, Random random)
        {
            double total = rows.Sum(r => r.Sum());
            _p = rows.Select(r => r.Select(v => v / total).ToArray()).ToArray();
            _row = _p.Select(r => r.Sum()).ToArray();
            _feature = new double[rows[0].Length];
            foreach (var r in _p)
                for (int z = 0; z < r.Length; z++) _feature[z] += r[z];
            _clusters = clusters;
            RowClusters = RandomAssignment(rows.Length, clusters, random);
        }

        public int[] RowClusters { get; }

        /// <summary>p(x̃, z): the mass of each row cluster on each feature [K, m].</summary>
        public double[,] RowClusterFeatureMass()
        {
            var mass = new double[_clusters, _feature.Length];
            for (int x = 0; x < _p.Length; x++)
                for (int z = 0; z < _feature.Length; z++) mass[RowClusters[x], z] += _p[x][z];
            return mass;
        }

        private double[,] Joint(int[] featureClusters, int featureClusterCount)
        {
            var joint = new double[_clusters, featureClusterCount];
            var mass = RowClusterFeatureMass();
            for (int k = 0; k < _clusters; k++)
                for (int z = 0; z < _feature.Length; z++) joint[k, featureClusters[z]] += mass[k, z];
            return joint;
        }

        /// <summary>log p(x̃ | z̃) [K, Kz] (−∞ where zero).</summary>
        public double[,] LogRowClusterGivenFeatureCluster(int[] featureClusters, int featureClusterCount)
        {
            var joint = Joint(featureClusters, featureClusterCount);
            var log = new double[_clusters, featureClusterCount];
            for (int j = 0; j < featureClusterCount; j++)
            {
                double column = 0;
                for (int k = 0; k < _clusters; k++) column += joint[k, j];
                for (int k = 0; k < _clusters; k++) log[k, j] = Math.Log(joint[k, j] / column);
            }
            return log;
        }

        /// <summary>Moves every row to argmin_k D(p(Z | x) ‖ q(Z | k)); returns log q(z | k) [K, m] as used.</summary>
        public double[,] UpdateRows(int[] featureClusters, int featureClusterCount)
        {
            var joint = Joint(featureClusters, featureClusterCount);
            var featureClusterMass = new double[featureClusterCount];
            for (int z = 0; z < _feature.Length; z++) featureClusterMass[featureClusters[z]] += _feature[z];
            // log q(z | k) = log p(z | z̃(z)) + log p(z̃(z) | k).
            var logQ = new double[_clusters, _feature.Length];
            for (int k = 0; k < _clusters; k++)
            {
                double rowMass = 0;
                for (int j = 0; j < featureClusterCount; j++) rowMass += joint[k, j];
                for (int z = 0; z < _feature.Length; z++)
                    logQ[k, z] = Math.Log(_feature[z] / featureClusterMass[featureClusters[z]]) + Math.Log(joint[k, featureClusters[z]] / rowMass);
            }
            for (int x = 0; x < _p.Length; x++)
            {
                var row = _p[x];
                double Score(int k)
                {
                    double total = 0;
                    for (int z = 0; z < row.Length; z++)
                        if (row[z] > 0) total += row[z] * logQ[k, z];
                    return total;
                }
                RowClusters[x] = Best(_clusters, RowClusters[x], Score);
            }
            return logQ;
        }

        /// <summary>D(p(X, Z) ‖ q(X, Z)) for the current clusterings.</summary>
        public double Divergence(int[] featureClusters, int featureClusterCount)
        {
            var joint = Joint(featureClusters, featureClusterCount);
            var rowClusterMass = new double[_clusters];
            for (int x = 0; x < _p.Length; x++) rowClusterMass[RowClusters[x]] += _row[x];
            var featureClusterMass = new double[featureClusterCount];
            for (int z = 0; z < _feature.Length; z++) featureClusterMass[featureClusters[z]] += _feature[z];
            double divergence = 0;
            for (int x = 0; x < _p.Length; x++)
                for (int z = 0; z < _feature.Length; z++)
                {
                    double p = _p[x][z];
                    if (p <= 0) continue;
                    int k = RowClusters[x], j = featureClusters[z];
                    double q = joint[k, j] * (_row[x] / rowClusterMass[k]) * (_feature[z] / featureClusterMass[j]);
                    divergence += p * Math.Log(p / q);
                }
            return divergence;
        }
    }
}
