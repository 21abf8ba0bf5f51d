using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Data;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Metric;

/// <summary>
/// Classifies rows against a labelled reference set in an embedding space: each class's prototype is
/// the mean embedding of its reference rows (Snell, Swersky and Zemel 2017), and a row's Score is the
/// softmax over classes of minus its distance to each prototype. New classes need no retraining —
/// give reference rows for them. Outputs <c>Score</c> (probabilities, slot names = classes) and
/// <c>PredictedLabel</c> (a key with the reference label's key values), so
/// <c>MulticlassClassification.Evaluate</c> works.
/// </summary>
/// <remarks>
/// Input: an embedding column (a known-size vector of Single, e.g. <c>MetricEmbedding</c>'s output).
/// The reference view holds the same column and a key label. Fit trains nothing: it checks the input's
/// schema and returns the model holding the prototypes. Create it with
/// <c>mlContext.TransferLearning().PrototypeClassifier(reference, ...)</c>.
/// </remarks>
public sealed class PrototypeClassifierEstimator : IEstimator<NetworkTransformer>
{
    private readonly IDataView _reference;
    private readonly string _embedding, _label;
    private readonly CandidateMatching _matching;

    internal PrototypeClassifierEstimator(IDataView reference, string embeddingColumnName, string labelColumnName, bool cosine)
    {
        ArgumentNullException.ThrowIfNull(reference);
        _reference = reference;
        _embedding = embeddingColumnName;
        _label = labelColumnName;
        _matching = cosine ? CandidateMatching.Cosine : CandidateMatching.NegativeEuclidean;
        ColumnChecks.FloatVector(reference.Schema, embeddingColumnName, "Embedding");
        ColumnChecks.KeyLabel(reference.Schema, labelColumnName);
    }

    /// <summary>Computes the prototypes from the reference rows; <paramref name="input"/> must hold the embedding column, of the reference's size.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The embedding column is missing or of another size.</exception>
    /// <exception cref="InvalidDataException">The reference set has no rows, or a class without a reference row.</exception>
    public NetworkTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var data = ClassifierTrainer.Read(_reference, new ClassifierOptions { FeatureColumnName = _embedding, LabelColumnName = _label });
        ColumnChecks.FloatVector(input.Schema, _embedding, "Embedding", data.Rows.Length);
        var prototypes = Prototypes(data);
        var spec = new ModelSpec
        {
            Trunk = new NetworkSpec { InputShape = [data.Rows.Length] },
            Heads = [new CandidateScoresSpec("prototypes", null, data.Classes, _matching) { Probabilities = true }],
        };
        var network = new Network(spec, data.Rows.Length);
        network.HeadModule("prototypes").SetBuffer("table", prototypes);
        return new NetworkTransformer("PrototypeClassifier", network, DeviceKind.Cpu, new ModelInput(_embedding, "Embedding"),
            ClassifierColumns.Declare(DefaultColumnNames.Score, DefaultColumnNames.PredictedLabel, null, "prototypes", data.ClassNames), null, null);
    }

    /// <summary>The mean reference embedding of every class, row-major [classes, length].</summary>
    internal static float[] Prototypes(ClassifierData data)
    {
        int length = data.Rows.Length;
        var sums = new double[data.Classes * length];
        var counts = new int[data.Classes];
        for (int r = 0; r < data.Rows.Count; r++)
        {
            int c = (int)data.Rows.Labels[r];
            counts[c]++;
            for (int d = 0; d < length; d++) sums[c * length + d] += data.Rows.Features[r * length + d];
        }
        var missing = Enumerable.Range(0, data.Classes).Where(c => counts[c] == 0).Select(c => data.ClassNames?.Names[c] ?? $"key {c + 1}").ToArray();
        if (missing.Length > 0)
            throw new InvalidDataException($"The reference set has no row of class {string.Join(", ", missing)}: every class of the label needs at least one reference row.");
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
