using Microsoft.ML;
using Microsoft.ML.Runtime;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Torch.Progressive;
using TorchSharp;

namespace TransferLearning.ML.Progressive;

/// <summary>
/// Progressive neural networks (Rusu, Rabinowitz, Desjardins et al. 2016): adds a column for a new
/// labelled task to a fitted model — a network classifier of this package or a progressive model
/// from an earlier call. The new column has the trunk's layers (or the ones given); each of its
/// layers also reads, through lateral connections, the previous layer of the trunk and of every
/// earlier column, which stay frozen. The result keeps every earlier task's columns and outputs bit
/// for bit (no forgetting by construction) and adds <c>Score.{task}</c> and <c>PredictedLabel.{task}</c>.
/// </summary>
/// <remarks>
/// The new task's features must have the source's input size (every column reads the same input).
/// Its TrainingReport covers the new column's training. Create it with
/// <c>mlContext.TransferLearning().ProgressiveColumn(source, ...)</c>.
/// </remarks>
public sealed class ProgressiveColumnEstimator : NetworkEstimator<ProgressiveColumnOptions>
{
    private readonly NetworkTransformer _source;
    private readonly ProgressiveRecipe _recipe;

    /// <summary>Creates the estimator; the options and the source are checked now.</summary>
    /// <exception cref="ArgumentException">An option is out of range, the source holds no network classifier, the column does not fit its trunk, or the task's columns exist already.</exception>
    internal ProgressiveColumnEstimator(IHostEnvironment env, ITransformer source, ProgressiveColumnOptions options)
        : base(env, options)
    {
        _source = FineTuning.SourceNetwork.Find(source);
        if (options.FeatureColumnName != _source.InputColumnName)
            throw new ArgumentException(
                $"Option FeatureColumnName is '{options.FeatureColumnName}', but the source model reads '{_source.InputColumnName}': every column of a progressive " +
                "model reads the same input column, so name the new task's features like the source's.", nameof(options.FeatureColumnName));
        var taken = _source.OutputColumns.Select(c => c.Name).ToHashSet();
        foreach (var name in new[] { options.ScoreColumnName, options.PredictedLabelColumnName })
            if (taken.Contains(name))
                throw new ArgumentException($"The source model already writes '{name}': give the new task another TaskName.", nameof(options.TaskName));
        _recipe = new ProgressiveRecipe(_source.Network, options.Column);
    }

    /// <summary>Trains the new column on <paramref name="input"/> and returns the model with every task.</summary>
    /// <exception cref="ArgumentException">A column is missing or wrong, or the rows' length differs from the source's input.</exception>
    /// <exception cref="InvalidDataException">No rows, a NaN feature, or an unlabelled row.</exception>
    public override NetworkTransformer Fit(IDataView input)
    {
        var columns = Options.Columns();
        var data = ClassifierTrainer.Read(input, columns);
        torch.manual_seed(Options.Seed);
        var network = _recipe.Build(data.Rows.Length, data.Classes);
        var report = Training.TrainingRun.Execute(Environment, "ProgressiveColumn", Options, data.Rows, network, context => _recipe.Train(context, Options));
        var outputs = _source.OutputColumns.Concat(ClassifierColumns.Declare(columns.ScoreColumnName, columns.PredictedLabelColumnName, null, _recipe.Head, data.ClassNames));
        return new NetworkTransformer("ProgressiveNetwork", network, Options.Device, _source.Input, outputs.ToArray(), _source.ClassLists, report);
    }

    /// <summary>The input plus the source's columns and the new task's Score.{task} and PredictedLabel.{task}.</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        var columns = ClassifierTrainer.OutputShape(inputSchema, Options.Columns()).ToDictionary(c => c.Name);
        // The source's own columns, as its transformer declares them, for rows of its input column.
        var sourceInput = new DataViewSchema.Builder();
        sourceInput.AddColumn(_source.InputColumnName, new Microsoft.ML.Data.VectorDataViewType(Microsoft.ML.Data.NumberDataViewType.Single, _source.InputLength));
        foreach (var column in SchemaShape.Create(_source.GetOutputSchema(sourceInput.ToSchema())).Where(c => _source.OutputColumns.Any(o => o.Name == c.Name)))
            columns[column.Name] = column;
        return new SchemaShape(columns.Values);
    }
}
