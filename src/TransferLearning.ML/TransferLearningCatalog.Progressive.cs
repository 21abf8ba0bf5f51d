using Microsoft.ML;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Progressive;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML;

/// <summary>Progressive neural networks.</summary>
public sealed partial class TransferLearningCatalog
{
    /// <summary>
    /// Progressive neural networks (Rusu et al. 2016): adds a column for a new labelled task beside
    /// the frozen layers of <paramref name="source"/>, with lateral connections from them; every
    /// earlier task keeps its outputs bit for bit, and the new task writes <c>Score.{label}</c> and
    /// <c>PredictedLabel.{label}</c>.
    /// </summary>
    /// <param name="source">A fitted network classifier of this package or a progressive model (or a chain holding one).</param>
    /// <param name="labelColumnName">The new task's key label. Default "Label".</param>
    /// <param name="featureColumnName">The new task's features, as long as the source's input. Default "Features".</param>
    /// <param name="epochs">Passes over the new task's rows. Default 10.</param>
    /// <param name="seed">Seeds the new column, its head and shuffling. Default 0.</param>
    public ProgressiveColumnEstimator ProgressiveColumn(ITransformer source, string labelColumnName = DefaultColumnNames.Label,
        string featureColumnName = DefaultColumnNames.Features, int epochs = TrainingDefaults.Epochs, int seed = TrainingDefaults.Seed) =>
        new(Context, source, new ProgressiveColumnOptions { LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, Epochs = epochs, Seed = seed });

    /// <summary>A progressive column with every setting of <see cref="ProgressiveColumnOptions"/>.</summary>
    public ProgressiveColumnEstimator ProgressiveColumn(ITransformer source, ProgressiveColumnOptions options) => new(Context, source, options);
}
