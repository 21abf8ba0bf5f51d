using TransferLearning.ML.Classification;
using TransferLearning.ML.MultiTask;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML;

/// <summary>Multitask learning.</summary>
public sealed partial class TransferLearningCatalog
{
    /// <summary>
    /// Multitask learning (Caruana 1997): one shared network and a head per task, trained together
    /// on the rows' labels (a missing label leaves the row out of that task's loss only). A key label
    /// is a classification task, a Single label a regression task; each task writes
    /// <c>Score.{label}</c> and, for classification, <c>PredictedLabel.{label}</c>.
    /// </summary>
    /// <param name="labelColumnNames">One label column per task.</param>
    /// <param name="featureColumnName">Float vector feature column shared by every task. Default "Features".</param>
    /// <param name="network">The shared layers; default <c>NetworkSpec.Mlp(128)</c>.</param>
    /// <param name="epochs">Passes over the rows. Default 10.</param>
    /// <param name="seed">Seeds initialisation and shuffling. Default 0.</param>
    public MultiTaskTrainer MultiTask(IReadOnlyList<string> labelColumnNames, string featureColumnName = DefaultColumnNames.Features,
        NetworkSpec? network = null, int epochs = TrainingDefaults.Epochs, int seed = TrainingDefaults.Seed)
    {
        var options = new MultiTaskOptions { LabelColumnNames = labelColumnNames, FeatureColumnName = featureColumnName, Epochs = epochs, Seed = seed };
        if (network is not null) options.Network = network;
        return new MultiTaskTrainer(Context, options);
    }

    /// <summary>Multitask learning with every setting of <see cref="MultiTaskOptions"/>.</summary>
    public MultiTaskTrainer MultiTask(MultiTaskOptions options) => new(Context, options);
}
