using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Data;
using TransferLearning.ML.Training;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.MultiTask;

namespace TransferLearning.ML.MultiTask;

/// <summary>
/// Multitask learning (Caruana 1997): one network trunk shared by several tasks on the same rows,
/// one head per task — a classifier for a key label, a linear output for a Single label, a logit for
/// a Boolean label — trained
/// together, so that what one task learns helps the others. A row whose label for a task is missing
/// counts for the other tasks only. Task losses are summed with fixed weights or, optionally, with
/// learnt uncertainty weights (Kendall, Gal and Cipolla 2018).
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Column</term><description>Type</description></listheader>
/// <item><term>Features (input)</term><description>known-size vector of Single, shared by every task</description></item>
/// <item><term>one label per task (input)</term><description>key (classification) or Single (regression); may be missing on some rows</description></item>
/// <item><term>Score.{label} (output)</term><description>classification: class probabilities, slot names = classes; regression: the predicted Single</description></item>
/// <item><term>PredictedLabel.{label} (output)</term><description>classification: a key with the label's key values; binary: Boolean</description></item>
/// <item><term>Probability.{label} (output)</term><description>binary: the sigmoid of the Score (a logit)</description></item>
/// </list>
/// Evaluate a task with ML.NET's evaluators on its columns, e.g.
/// <c>MulticlassClassification.Evaluate(scored, "Corn", "Score.Corn", "PredictedLabel.Corn")</c> or
/// <c>Regression.Evaluate(scored, "Price", "Score.Price")</c> or
/// <c>BinaryClassification.Evaluate(scored, "Spam", "Score.Spam", "Probability.Spam", "PredictedLabel.Spam")</c>. Create it with <c>mlContext.TransferLearning().MultiTask(...)</c>.
/// </remarks>
public sealed class MultiTaskTrainer : NetworkEstimator<MultiTaskOptions>
{
    /// <summary>Creates the trainer; the options are checked now.</summary>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    internal MultiTaskTrainer(IHostEnvironment env, MultiTaskOptions options)
        : base(env, options)
    {
    }

    /// <summary>Reads the rows and every task's labels, trains the shared network and the heads.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type.</exception>
    /// <exception cref="InvalidDataException">No rows, a NaN feature, or a task without any label.</exception>
    public override NetworkTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var inputs = Options.TaskFeatures.Distinct().ToArray();
        var features = inputs.Select(name => ColumnChecks.FloatVector(input.Schema, name, "Feature")).ToArray();
        var labels = Options.LabelColumnNames.Select(n => TaskLabels.Check(input.Schema, n)).ToArray();
        var rows = TaskInputs.Read(input, features);
        var heads = labels.Select((_, t) => $"task{t}").ToArray();
        var weights = Options.TaskWeights ?? labels.Select(_ => 1.0).ToArray();
        var tasks = TaskLabels.Read(input, labels, heads, weights, rows.Count);
        var lengths = features.Select(f => ((VectorDataViewType)f.Type).Size).ToArray();
        // With task-specific inputs, one encoder per distinct column reads its slice of the concatenated row.
        var encoders = Options.TaskFeatureColumnNames is null ? [] : inputs.Select((name, i) =>
            new EncoderSpec($"encoder{i}", lengths.Take(i).Sum(), lengths[i], Options.Encoder)).ToArray();
        string? Path(int task) => encoders.Length == 0 ? null : encoders[Array.IndexOf(inputs, Options.TaskFeatures[task])].Name;
        var spec = new ModelSpec
        {
            Trunk = Options.Network,
            Encoders = encoders,
            // A binary task's head is one logit: its Score, with Probability its sigmoid and PredictedLabel its sign.
            Heads = tasks.Select((t, i) => t.Kind == TaskKind.Classification ? (HeadSpec)new ClassifierHeadSpec(t.Head, t.Classes, Path(i)) : new RegressionHeadSpec(t.Head, 1, Path(i))).ToArray(),
        };
        var network = ClassifierTrainer.CreateNetwork(spec, rows.Length, Options.Seed, nameof(MultiTaskOptions.Network));
        var recipe = new MultiTaskRecipe(tasks, Options.UncertaintyWeighting);
        var report = TrainingRun.Execute(Environment, "MultiTask", Options, rows, network, context => recipe.Train(context, Options));
        var columns = labels.SelectMany((label, t) => Columns(label.Name, heads[t], KeyValues.FromColumn(label), tasks[t].Kind)).ToArray();
        return new NetworkTransformer("MultiTask", network, Options.Device, new ModelInput(inputs, "Feature", lengths), columns, null, report);
    }

    private IEnumerable<OutputColumnSpec> Columns(string label, string head, KeyValues? classes, TaskKind kind) => kind switch
    {
        TaskKind.Classification => ClassifierColumns.Declare(Options.ScoreColumnName(label), Options.PredictedLabelColumnName(label), null, head, classes),
        TaskKind.Regression => [new OutputColumnSpec(Options.ScoreColumnName(label), head, OutputColumnKind.Scalar)],
        _ =>
        [
            new OutputColumnSpec(Options.ScoreColumnName(label), head, OutputColumnKind.Scalar),
            new OutputColumnSpec(Options.ProbabilityColumnName(label), head, OutputColumnKind.Probability),
            new OutputColumnSpec(Options.PredictedLabelColumnName(label), head, OutputColumnKind.PredictedBoolean),
        ],
    };

    /// <summary>The input plus, per task, Score.{label} and (classification) PredictedLabel.{label}.</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        foreach (var name in Options.TaskFeatures.Distinct()) ColumnChecks.FloatVector(inputSchema, name, "Feature");
        var columns = inputSchema.ToDictionary(c => c.Name);
        foreach (var label in Options.LabelColumnNames)
        {
            var column = inputSchema.FirstOrDefault(c => c.Name == label);
            if (column.Name is null)
                throw new ArgumentOutOfRangeException(nameof(inputSchema), $"Label column '{label}' was not found in the input. Columns present: {string.Join(", ", inputSchema.Select(c => $"'{c.Name}'"))}.");
            string score = Options.ScoreColumnName(label);
            if (column.IsKey)
                ClassifierTrainer.AddClassifierShapes(columns, score, Options.PredictedLabelColumnName(label), column);
            else if (column.Kind == SchemaShape.Column.VectorKind.Scalar && (column.ItemType == NumberDataViewType.Single || column.ItemType == BooleanDataViewType.Instance))
            {
                columns[score] = new SchemaShape.Column(score, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false);
                if (column.ItemType == BooleanDataViewType.Instance)
                {
                    string probability = Options.ProbabilityColumnName(label), predicted = Options.PredictedLabelColumnName(label);
                    columns[probability] = new SchemaShape.Column(probability, SchemaShape.Column.VectorKind.Scalar, NumberDataViewType.Single, false);
                    columns[predicted] = new SchemaShape.Column(predicted, SchemaShape.Column.VectorKind.Scalar, BooleanDataViewType.Instance, false);
                }
            }
            else
                throw new ArgumentOutOfRangeException(nameof(inputSchema),
                    $"Label column '{label}' must be a key (a classification task), Single (a regression task) or Boolean (a binary task), but is {column.ItemType}.");
        }
        return new SchemaShape(columns.Values);
    }
}
