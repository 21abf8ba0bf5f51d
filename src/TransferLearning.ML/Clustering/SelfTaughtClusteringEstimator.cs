using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Data;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Clustering;

/// <summary>
/// Self-taught clustering (Dai, Yang, Xue and Yu 2008): clusters a small target data set with the
/// help of plentiful unlabelled auxiliary rows, by co-clustering both over one shared clustering of
/// the features (the auxiliary data shape the feature clusters, which then carry the target's
/// clustering), minimising the paper's mutual-information objective by alternating updates.
/// </summary>
/// <remarks>
/// <para>Input: a vector of non-negative Single in both data sets (word counts, pixel intensities);
/// each row is read as a distribution over its features. Output: <c>PredictedLabel</c>, the
/// cluster as a key (cluster ids "0".."K-1"), and <c>Score</c>, each cluster's expected log-likelihood
/// Σ_z p(z | x) log q(z | cluster) (the cluster with the highest score is the one nearest in KL
/// divergence). New rows are assigned the same way. <see cref="Objective"/> holds the objective after
/// every round of the best of <see cref="SelfTaughtClusteringOptions.Restarts"/> random starts.</para>
/// <para>Create it with <c>mlContext.TransferLearning().SelfTaughtClustering(auxiliary, options)</c>.</para>
/// </remarks>
public sealed class SelfTaughtClusteringEstimator : IEstimator<NetworkTransformer>
{
    private const string HeadName = "clusters";
    private readonly IDataView _auxiliary;
    private readonly SelfTaughtClusteringOptions _options;

    internal SelfTaughtClusteringEstimator(IDataView auxiliary, SelfTaughtClusteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(auxiliary);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _auxiliary = auxiliary;
        _options = options;
        ColumnChecks.FloatVector(auxiliary.Schema, options.FeatureColumnName, "Feature");
    }

    /// <summary>The objective J after each round of the last Fit (it never increases).</summary>
    public IReadOnlyList<double> Objective { get; private set; } = [];

    /// <summary>Co-clusters the target rows <paramref name="input"/> with the auxiliary rows.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing, of the wrong type, or of another size than the auxiliary rows'.</exception>
    /// <exception cref="InvalidDataException">No target or auxiliary rows, a negative or NaN value, a row of zeros, or more clusters than rows or features.</exception>
    public NetworkTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var auxiliaryColumn = ColumnChecks.FloatVector(_auxiliary.Schema, _options.FeatureColumnName, "Feature");
        int length = ((VectorDataViewType)auxiliaryColumn.Type).Size;
        var targetColumn = ColumnChecks.FloatVector(input.Schema, _options.FeatureColumnName, "Feature", length);
        var target = Read(input, targetColumn, "target");
        var auxiliary = Read(_auxiliary, auxiliaryColumn, "auxiliary");
        int k = _options.Clusters, ka = _options.AuxiliaryClusters ?? k;
        if (k > target.Length) throw new InvalidDataException($"Option Clusters is {k}, but the target data has only {target.Length} rows.");
        if (ka > auxiliary.Length) throw new InvalidDataException($"{ka} auxiliary clusters (option AuxiliaryClusters, or Clusters) but only {auxiliary.Length} auxiliary rows.");
        if (_options.FeatureClusters > length) throw new InvalidDataException($"Option FeatureClusters is {_options.FeatureClusters}, but the rows have only {length} features.");

        List<double> objective = [];
        double[,] logQ = null!;
        for (int start = 0; start < _options.Restarts; start++)
        {
            var algorithm = new CoClustering(target, auxiliary, k, ka, _options.FeatureClusters, _options.Tradeoff, _options.Seed + start);
            var history = new List<double>();
            double[,] table = null!;
            for (int i = 0; i < _options.Iterations; i++)
            {
                table = algorithm.Iterate();
                history.Add(algorithm.Objective());
            }
            if (start > 0 && history[^1] >= objective[^1]) continue;
            objective = history;
            logQ = table;
        }
        Objective = objective;

        // Impossible pairs (log 0) become log 1e-30: finite, so that a row's zero features (weight 0) cannot make NaN.
        var scores = new float[k * length];
        for (int c = 0; c < k; c++)
            for (int z = 0; z < length; z++) scores[c * length + z] = (float)(double.IsFinite(logQ[c, z]) ? Math.Max(logQ[c, z], -69.0776) : -69.0776);
        var spec = new ModelSpec { Trunk = new NetworkSpec { InputShape = [length] }, Heads = [new CandidateScoresSpec(HeadName, null, k, CandidateMatching.MultinomialLogLikelihood)] };
        var network = new Network(spec, length);
        network.HeadModule(HeadName).SetBuffer("table", scores);
        var names = KeyValues.FromNames(Enumerable.Range(0, k).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        return new NetworkTransformer("SelfTaughtClustering", network, DeviceKind.Cpu, new ModelInput(_options.FeatureColumnName, "Feature"),
            ClassifierColumns.Declare(_options.ScoreColumnName, _options.PredictedLabelColumnName, null, HeadName, names), null, null);
    }

    private double[][] Read(IDataView data, DataViewSchema.Column column, string role)
    {
        LabeledRows rows;
        try
        {
            rows = LabeledRows.Read(data, column, null);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"The {role} data: {e.Message}", e);
        }
        var result = new double[rows.Count][];
        for (int r = 0; r < rows.Count; r++)
        {
            var row = new double[rows.Length];
            double sum = 0;
            for (int z = 0; z < rows.Length; z++)
            {
                float v = rows.Features[r * rows.Length + z];
                if (v < 0) throw new InvalidDataException($"The {role} data's column '{_options.FeatureColumnName}' has {v} at row {r}, slot {z}: self-taught clustering reads rows as distributions and needs non-negative values.");
                row[z] = v;
                sum += v;
            }
            if (sum <= 0) throw new InvalidDataException($"The {role} data's row {r} is all zeros in column '{_options.FeatureColumnName}': it is no distribution over the features.");
            result[r] = row;
        }
        return result;
    }

    /// <summary>The input plus Score and PredictedLabel.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnChecks.FloatVector(inputSchema, _options.FeatureColumnName, "Feature");
        var columns = inputSchema.ToDictionary(c => c.Name);
        columns[_options.ScoreColumnName] = new SchemaShape.Column(_options.ScoreColumnName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
        columns[_options.PredictedLabelColumnName] = new SchemaShape.Column(_options.PredictedLabelColumnName, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.UInt32, true,
            new SchemaShape([new SchemaShape.Column(AnnotationKinds.KeyValues, SchemaShape.Column.VectorKind.Vector, TextDataViewType.Instance, false)]));
        return new SchemaShape(columns.Values);
    }
}
