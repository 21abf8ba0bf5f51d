using TransferLearning.ML.Classification;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML;

/// <summary>The network classifier.</summary>
public sealed partial class TransferLearningCatalog
{
    /// <summary>
    /// A neural network classifier trained with TorchSharp: the blocks of <paramref name="network"/>
    /// plus a linear head, trained with softmax cross-entropy and Adam.
    /// </summary>
    /// <param name="labelColumnName">Key label column. Default "Label".</param>
    /// <param name="featureColumnName">Float vector feature column. Default "Features".</param>
    /// <param name="network">The blocks; default <c>NetworkSpec.Mlp(128)</c>.</param>
    /// <param name="epochs">Passes over the data. Default 10.</param>
    /// <param name="batchSize">Rows per step. Default 64.</param>
    /// <param name="learningRate">Adam's learning rate. Default 0.001.</param>
    /// <param name="seed">Seeds initialisation and shuffling. Default 0.</param>
    public NetworkClassifierTrainer NetworkClassifier(
        string labelColumnName = DefaultColumnNames.Label,
        string featureColumnName = DefaultColumnNames.Features,
        NetworkSpec? network = null,
        int epochs = TrainingDefaults.Epochs,
        int batchSize = TrainingDefaults.BatchSize,
        double learningRate = TrainingDefaults.LearningRate,
        int seed = TrainingDefaults.Seed)
    {
        var options = new NetworkClassifierOptions
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            Epochs = epochs,
            BatchSize = batchSize,
            LearningRate = learningRate,
            Seed = seed,
        };
        if (network is not null) options.Network = network;
        return new NetworkClassifierTrainer(Context, options);
    }

    /// <summary>A neural network classifier with every setting of <see cref="NetworkClassifierOptions"/>.</summary>
    public NetworkClassifierTrainer NetworkClassifier(NetworkClassifierOptions options) => new(Context, options);
}
