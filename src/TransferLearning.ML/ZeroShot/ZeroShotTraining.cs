using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Data;
using TransferLearning.ML.Serialization;

namespace TransferLearning.ML.ZeroShot;

/// <summary>What the training zero-shot estimators share: reading seen-class rows and naming the classes.</summary>
internal static class ZeroShotTraining
{
    /// <summary>The labelled rows, the seen classes in key order, and the candidates.</summary>
    /// <exception cref="ArgumentException">A column is wrong, the label has no text key values, or a class is missing from the table.</exception>
    public static (LabeledRows Rows, string[] Seen, string[] Candidates) Read(IDataView input, ZeroShotTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(input);
        var features = ColumnChecks.FloatVector(input.Schema, options.FeatureColumnName, "Feature");
        var label = ColumnChecks.KeyLabel(input.Schema, options.LabelColumnName);
        var names = KeyValues.FromColumn(label);
        if (names is null || names.ItemType is not TextDataViewType)
            throw new ArgumentException(
                $"Label column '{label.Name}' needs text key values (the class names): map a text label with MapValueToKey.", nameof(input));
        var seen = names.Names.ToArray();
        if (seen.Length < 2) throw new ArgumentException($"Zero-shot training needs at least 2 seen classes; the label has {seen.Length}.", nameof(input));
        var candidates = CandidateClasses.Resolve(options, seen);
        var rows = LabeledRows.Read(input, features, label);
        return (rows, seen, candidates);
    }

    /// <summary>The output schema of a zero-shot estimator: the input plus the vector, Score and PredictedLabel.</summary>
    public static SchemaShape OutputShape(SchemaShape input, string vectorColumn, IZeroShotOutput options)
    {
        var columns = input.ToDictionary(c => c.Name);
        columns[vectorColumn] = new SchemaShape.Column(vectorColumn, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
        columns[options.ScoreColumnName] = new SchemaShape.Column(options.ScoreColumnName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
        columns[options.PredictedLabelColumnName] = new SchemaShape.Column(options.PredictedLabelColumnName, SchemaShape.Column.VectorKind.Scalar,
            NumberDataViewType.UInt32, true, new SchemaShape([new SchemaShape.Column(AnnotationKinds.KeyValues, SchemaShape.Column.VectorKind.Vector,
                TextDataViewType.Instance, false)]));
        return new SchemaShape(columns.Values);
    }
}
