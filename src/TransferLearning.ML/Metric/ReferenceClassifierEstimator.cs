using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Data;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Metric;

/// <summary>
/// Classifies rows against a labelled reference set in an embedding space, by one of two rules:
/// <list type="bullet">
/// <item><description>nearest prototype (Snell, Swersky and Zemel 2017): each class's prototype is the mean
/// embedding of its reference rows, and Score is the softmax over classes of minus the distance;</description></item>
/// <item><description>k nearest neighbours (Cover and Hart 1967): Score is each class's share of the k
/// nearest reference rows (ties go to the class with the nearer neighbours).</description></item>
/// </list>
/// New classes need no retraining — give reference rows for them. Outputs <c>Score</c> (slot names =
/// classes) and <c>PredictedLabel</c> (a key with the reference label's key values), so
/// <c>MulticlassClassification.Evaluate</c> works.
/// </summary>
/// <remarks>
/// Input: an embedding column (a known-size vector of Single, e.g. <c>MetricEmbedding</c>'s output).
/// The reference view holds the same column and a key label. Fit trains nothing: it checks the input's
/// schema and returns the model holding the prototypes (or the reference rows, for k-NN). Create it with
/// <c>mlContext.TransferLearning().PrototypeClassifier(reference, ...)</c> or
/// <c>NearestNeighborsClassifier(reference, ...)</c>.
/// </remarks>
public sealed class ReferenceClassifierEstimator : IEstimator<NetworkTransformer>
{
    private readonly IDataView _reference;
    private readonly string _embedding, _label;
    private readonly CandidateMatching _matching;
    private readonly int _neighbors;

    // neighbors: 0 for the nearest prototype, k >= 1 for k nearest neighbours.
    internal ReferenceClassifierEstimator(IDataView reference, string embeddingColumnName, string labelColumnName, bool cosine, int neighbors)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (neighbors < 0) throw new ArgumentOutOfRangeException(nameof(neighbors), neighbors, "neighbors (k) must be at least 1.");
        _reference = reference;
        _embedding = embeddingColumnName;
        _label = labelColumnName;
        _matching = cosine ? CandidateMatching.Cosine : CandidateMatching.NegativeEuclidean;
        _neighbors = neighbors;
        ColumnChecks.FloatVector(reference.Schema, embeddingColumnName, "Embedding");
        ColumnChecks.KeyLabel(reference.Schema, labelColumnName);
    }

    /// <summary>Reads the reference rows; <paramref name="input"/> must hold the embedding column, of the reference's size.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The embedding column is missing or of another size; k exceeds the reference rows.</exception>
    /// <exception cref="InvalidDataException">The reference set has no rows, a NaN, an unlabelled row, or a class without a reference row.</exception>
    public NetworkTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        using (var cursor = _reference.GetRowCursor([]))
            if (!cursor.MoveNext())
                throw new InvalidDataException("The reference set has no rows: give at least one labelled reference row per class to classify against.");
        var data = ClassifierTrainer.Read(_reference, new ClassifierOptions { FeatureColumnName = _embedding, LabelColumnName = _label });
        ColumnChecks.FloatVector(input.Schema, _embedding, "Embedding", data.Rows.Length);
        string headName = _neighbors == 0 ? "prototypes" : "neighbors";
        HeadSpec head;
        if (_neighbors == 0) head = new CandidateScoresSpec(headName, null, data.Classes, _matching) { Probabilities = true };
        else if (_neighbors > data.Rows.Count)
            throw new ArgumentOutOfRangeException("neighbors", _neighbors, $"k ({_neighbors}) is larger than the {data.Rows.Count} reference rows.");
        else head = new NeighborVotesSpec(headName, null, data.Rows.Count, data.Classes, _neighbors, _matching);
        var spec = new ModelSpec { Trunk = new NetworkSpec { InputShape = [data.Rows.Length] }, Heads = [head] };
        var network = new Network(spec, data.Rows.Length);
        var module = network.HeadModule(headName);
        if (_neighbors == 0) module.SetBuffer("table", Prototypes(data.Rows.Features, data.Rows.Length, data));
        else
        {
            ClassCounts(data);
            module.SetBuffer("table", data.Rows.Features);
            module.SetBuffer("labels", data.Rows.Labels.Select(l => (float)l).ToArray());
        }
        return new NetworkTransformer(_neighbors == 0 ? "PrototypeClassifier" : "NearestNeighborsClassifier", network, DeviceKind.Cpu,
            new ModelInput(_embedding, "Embedding"), ClassifierColumns.Declare(DefaultColumnNames.Score, DefaultColumnNames.PredictedLabel, null, headName, data.ClassNames), null, null);
    }

    /// <summary>Reference rows per class; every class of the label needs one.</summary>
    internal static int[] ClassCounts(ClassifierData data)
    {
        var counts = new int[data.Classes];
        foreach (var label in data.Rows.Labels) counts[(int)label]++;
        var missing = Enumerable.Range(0, data.Classes).Where(c => counts[c] == 0).Select(c => data.ClassNames?.Names[c] ?? $"key {c + 1}").ToArray();
        if (missing.Length > 0)
            throw new InvalidDataException($"The reference set has no row of class {string.Join(", ", missing)}: every class of the label needs at least one reference row.");
        return counts;
    }

    /// <summary>
    /// The mean of every class's rows, row-major [classes, length], for <paramref name="features"/>
    /// ([rows, length]) in the row order of <paramref name="data"/> (its rows, or their embeddings).
    /// </summary>
    /// <exception cref="InvalidDataException">A class of the label has no row.</exception>
    internal static float[] Prototypes(float[] features, int length, ClassifierData data)
    {
        var counts = ClassCounts(data);
        var sums = new double[data.Classes * length];
        for (int r = 0; r < data.Rows.Count; r++)
        {
            int c = (int)data.Rows.Labels[r];
            for (int d = 0; d < length; d++) sums[c * length + d] += features[r * length + d];
        }
        return sums.Select((v, i) => (float)(v / counts[i / length])).ToArray();
    }

    /// <summary>The input plus Score and PredictedLabel.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnChecks.FloatVector(inputSchema, _embedding, "Embedding");
        var columns = inputSchema.ToDictionary(c => c.Name);
        var label = SchemaShape.Create(_reference.Schema).First(c => c.Name == _label);
        ClassifierTrainer.AddClassifierShapes(columns, DefaultColumnNames.Score, DefaultColumnNames.PredictedLabel, label);
        return new SchemaShape(columns.Values);
    }
}
