using Microsoft.ML;
using Microsoft.ML.Runtime;
using TorchSharp;
using TransferLearning.ML.Data;
using TransferLearning.ML.Training;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;
using static TorchSharp.torch;

namespace TransferLearning.ML.Classification;

/// <summary>Labelled training rows read and checked for a classifier method.</summary>
internal sealed record ClassifierData(LabeledRows Rows, int Classes, KeyValues? ClassNames);

/// <summary>
/// The steps every classifier method shares: check the schema, read the rows, train a network with
/// the shared loop (logging to mlContext.Log) and wrap it in a <see cref="NetworkTransformer"/> with the classifier columns.
/// A method supplies only its network and, if it has one, its own training step.
/// </summary>
internal static class ClassifierTrainer
{
    /// <summary>Checks the feature and label columns and reads every row.</summary>
    public static ClassifierData Read(IDataView input, ClassifierOptions options, int? expectedLength = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        var features = ColumnChecks.FloatVector(input.Schema, options.FeatureColumnName, "Feature", expectedLength);
        var label = ColumnChecks.KeyLabel(input.Schema, options.LabelColumnName);
        int classes = (int)((Microsoft.ML.Data.KeyDataViewType)label.Type).Count;
        var rows = LabeledRows.Read(input, features, label);
        for (int i = 0; i < rows.Count; i++)
            if (rows.Labels[i] >= classes)
                throw new InvalidDataException($"Label column '{label.Name}' has key {rows.Labels[i] + 1} at row {i}, beyond its {classes} classes.");
        return new ClassifierData(rows, classes, KeyValues.FromColumn(label));
    }

    /// <summary>A fresh network, its weights drawn from <paramref name="seed"/>.</summary>
    public static Network CreateNetwork(NetworkSpec spec, int featureLength, int classes, int seed, string option) =>
        CreateNetwork(ModelSpec.Classifier(spec, classes, ClassifierColumns.Head), featureLength, seed, option);

    /// <summary>A fresh model of <paramref name="spec"/>, its weights drawn from <paramref name="seed"/>; a spec that does not fit the data names <paramref name="option"/>.</summary>
    public static Network CreateNetwork(ModelSpec spec, int featureLength, int seed, string option)
    {
        try
        {
            torch.manual_seed(seed);
            return new Network(spec, featureLength);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Option {option} does not fit the data: {e.Message}", option, e);
        }
    }

    /// <summary>
    /// Trains <paramref name="network"/> (moved to the options' device) on <paramref name="data"/>
    /// and returns it as a classifier transformer. The network is disposed if training fails.
    /// </summary>
    /// <param name="env">The ML.NET environment, for logging.</param>
    /// <param name="name">The method's name in the log.</param>
    /// <param name="options">Columns and training settings.</param>
    /// <param name="data">The rows read by <see cref="Read"/>.</param>
    /// <param name="network">The network to train.</param>
    /// <param name="plan">How to train it; default one run of <see cref="ClassificationStep"/>.</param>
    public static NetworkTransformer Train(IHostEnvironment env, string name, ClassifierOptions options, ClassifierData data,
        Network network, TrainingPlan? plan = null)
    {
        var report = TrainingRun.Execute(env, name, options, data.Rows, network,
            plan ?? (context => context.Run(new ClassificationStep(network, context.Features, context.Labels), options)));
        return new NetworkTransformer(name, network, options.Device, new ModelInput(options.FeatureColumnName, "Feature"),
            ClassifierColumns.Declare(options, data.ClassNames), null, report);
    }

    /// <summary>The output schema shape of a classifier estimator: the input plus Score, PredictedLabel and the optional learned features.</summary>
    public static SchemaShape OutputShape(SchemaShape input, ClassifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        ColumnChecks.FloatVector(input, options.FeatureColumnName, "Feature");
        var label = ColumnChecks.KeyLabel(input, options.LabelColumnName);
        var columns = input.ToDictionary(c => c.Name);
        AddClassifierShapes(columns, options.ScoreColumnName, options.PredictedLabelColumnName, label);
        if (options.LearnedFeaturesColumnName is string learned)
            columns[learned] = new SchemaShape.Column(learned,
                SchemaShape.Column.VectorKind.Vector, Microsoft.ML.Data.NumberDataViewType.Single, false);
        return new SchemaShape(columns.Values);
    }

    /// <summary>Adds a classifier's Score (a vector of Single) and PredictedLabel (a key carrying <paramref name="label"/>'s key values).</summary>
    public static void AddClassifierShapes(IDictionary<string, SchemaShape.Column> columns, string score, string predictedLabel, SchemaShape.Column label)
    {
        columns[score] = new SchemaShape.Column(score, SchemaShape.Column.VectorKind.Vector, Microsoft.ML.Data.NumberDataViewType.Single, false);
        var keyValues = label.Annotations.Where(a => a.Name == AnnotationKinds.KeyValues).ToArray();
        columns[predictedLabel] = new SchemaShape.Column(predictedLabel, SchemaShape.Column.VectorKind.Scalar, Microsoft.ML.Data.NumberDataViewType.UInt32, true,
            new SchemaShape(keyValues));
    }
}
