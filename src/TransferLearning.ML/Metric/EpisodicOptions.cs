using TransferLearning.ML.Classification;
using TransferLearning.ML.Data;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Metric;

/// <summary>
/// What episodic few-shot trainers share (prototypical networks, MAML): the columns, the network,
/// and the N-way K-shot episodes with Q queries per class that training draws from the rows'
/// classes (Vinyals et al. 2016).
/// </summary>
public abstract class EpisodicOptions : TrainingOptions
{
    /// <summary>Input: a known-size vector of Single. Default "Features".</summary>
    public string FeatureColumnName { get; set; } = DefaultColumnNames.Features;

    /// <summary>Input: a key label (the training classes; test classes need not be among them). Default "Label".</summary>
    public string LabelColumnName { get; set; } = DefaultColumnNames.Label;

    /// <summary>The layers of the network. Default <c>NetworkSpec.Mlp(128)</c>.</summary>
    public NetworkSpec Network { get; set; } = NetworkSpec.Mlp(128);

    /// <summary>N, classes per episode; at least 2 and at most the training classes. Default 5.</summary>
    public int Ways { get; set; } = 5;

    /// <summary>K, support rows per class; at least 1. Default 5.</summary>
    public int Shots { get; set; } = 5;

    /// <summary>Q, query rows per class; at least 1. Default 5.</summary>
    public int Queries { get; set; } = 5;

    /// <summary>Episodes (training steps) per epoch; at least 1. Default 100.</summary>
    public int EpisodesPerEpoch { get; set; } = 100;

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(!string.IsNullOrWhiteSpace(FeatureColumnName), nameof(FeatureColumnName), FeatureColumnName, "a non-empty column name");
        Require(!string.IsNullOrWhiteSpace(LabelColumnName), nameof(LabelColumnName), LabelColumnName, "a non-empty column name");
        Require(Network is not null, nameof(Network), null, "a network spec");
        Require(Ways >= 2, nameof(Ways), Ways, "at least 2");
        Require(Shots >= 1, nameof(Shots), Shots, "at least 1");
        Require(Queries >= 1, nameof(Queries), Queries, "at least 1");
        Require(EpisodesPerEpoch >= 1, nameof(EpisodesPerEpoch), EpisodesPerEpoch, "at least 1");
    }

    /// <summary>Checks a support set's schema when the estimator is made: the feature column and a key label.</summary>
    internal void CheckSupport(Microsoft.ML.IDataView? support)
    {
        if (support is null) return;
        ColumnChecks.FloatVector(support.Schema, FeatureColumnName, "Feature");
        ColumnChecks.KeyLabel(support.Schema, LabelColumnName);
    }

    /// <summary>The input plus a classifier's Score and PredictedLabel over the support set's label.</summary>
    internal Dictionary<string, Microsoft.ML.SchemaShape.Column> SupportClassifierShape(Microsoft.ML.SchemaShape input, Microsoft.ML.IDataView support)
    {
        ColumnChecks.FloatVector(input, FeatureColumnName, "Feature");
        var columns = input.ToDictionary(c => c.Name);
        var label = Microsoft.ML.SchemaShape.Create(support.Schema).First(c => c.Name == LabelColumnName);
        ClassifierTrainer.AddClassifierShapes(columns, DefaultColumnNames.Score, DefaultColumnNames.PredictedLabel, label);
        return columns;
    }

    /// <summary>Reads the training rows and checks that they can form episodes: every class K + Q rows, at least N classes.</summary>
    /// <exception cref="InvalidDataException">A class has fewer than K + Q rows, or there are fewer than N classes.</exception>
    internal ClassifierData ReadEpisodic(Microsoft.ML.IDataView input)
    {
        var data = ClassifierTrainer.Read(input, new ClassifierOptions { FeatureColumnName = FeatureColumnName, LabelColumnName = LabelColumnName });
        var counts = data.Rows.Labels.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        var small = counts.Where(c => c.Value < Shots + Queries).OrderBy(c => c.Key)
            .Select(c => $"{data.ClassNames?.Names[(int)c.Key] ?? $"key {c.Key + 1}"} ({c.Value})").ToArray();
        if (small.Length > 0)
            throw new InvalidDataException($"Label column '{LabelColumnName}': classes {string.Join(", ", small.Take(10))}{(small.Length > 10 ? ", ..." : "")} have " +
                $"fewer than Shots + Queries = {Shots + Queries} rows, which every class needs to take part in an episode.");
        if (counts.Count < Ways)
            throw new InvalidDataException($"Label column '{LabelColumnName}' has {counts.Count} classes with rows, fewer than Ways = {Ways} (classes per episode).");
        return data;
    }
}
