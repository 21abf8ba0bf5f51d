using Microsoft.ML;
using TransferLearning.ML.Classification;
using TransferLearning.ML.FineTuning;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Torch.Transfer;

namespace TransferLearning.ML;

/// <summary>Layer transfer, fine-tuning, conservative training and the transferability sweep.</summary>
public sealed partial class TransferLearningCatalog
{
    /// <summary>
    /// Layer transfer (Yosinski et al. 2014): copies the first (or last) <paramref name="copiedLayers"/>
    /// blocks of the source network with their weights, adds a new head for the target's classes,
    /// and trains on the target with the copied blocks frozen or not.
    /// </summary>
    /// <param name="source">A fitted network classifier of this package, or a model holding one (e.g. from Model.Load).</param>
    /// <param name="labelColumnName">Key label column. Default "Label".</param>
    /// <param name="featureColumnName">Float vector feature column. Default "Features".</param>
    /// <param name="copiedLayers">Blocks to copy; null (the default) copies every block.</param>
    /// <param name="freezeCopiedLayers">Keep the copied blocks fixed. Default true.</param>
    /// <param name="copyFrom">Copy from the input side (First, the default) or the head side (Last).</param>
    /// <param name="epochs">Passes over the target rows. Default 10.</param>
    /// <param name="learningRate">Adam's learning rate. Default 0.001.</param>
    /// <param name="seed">Seeds the new blocks, the head and shuffling. Default 0.</param>
    public LayerTransferEstimator LayerTransfer(
        ITransformer source,
        string labelColumnName = DefaultColumnNames.Label,
        string featureColumnName = DefaultColumnNames.Features,
        int? copiedLayers = null,
        bool freezeCopiedLayers = true,
        CopyDirection copyFrom = CopyDirection.First,
        int epochs = TrainingDefaults.Epochs,
        double learningRate = TrainingDefaults.LearningRate,
        int seed = TrainingDefaults.Seed) => new(Context, source, new LayerTransferOptions
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            CopiedLayers = copiedLayers,
            FreezeCopiedLayers = freezeCopiedLayers,
            CopyFrom = copyFrom,
            Epochs = epochs,
            LearningRate = learningRate,
            Seed = seed,
        });

    /// <summary>Layer transfer with every setting of <see cref="LayerTransferOptions"/>, conservative training included.</summary>
    public LayerTransferEstimator LayerTransfer(ITransformer source, LayerTransferOptions options) => new(Context, source, options);

    /// <summary>
    /// Fine-tuning: every block of the source network copied, a new head for the target's classes,
    /// and the whole network trained on the target (layer transfer with nothing frozen).
    /// </summary>
    /// <param name="source">A fitted network classifier of this package, or a model holding one.</param>
    /// <param name="labelColumnName">Key label column. Default "Label".</param>
    /// <param name="featureColumnName">Float vector feature column. Default "Features".</param>
    /// <param name="epochs">Passes over the target rows. Default 10.</param>
    /// <param name="learningRate">Adam's learning rate. Default 0.001.</param>
    /// <param name="seed">Seeds the head and shuffling. Default 0.</param>
    public LayerTransferEstimator FineTune(
        ITransformer source,
        string labelColumnName = DefaultColumnNames.Label,
        string featureColumnName = DefaultColumnNames.Features,
        int epochs = TrainingDefaults.Epochs,
        double learningRate = TrainingDefaults.LearningRate,
        int seed = TrainingDefaults.Seed) =>
        LayerTransfer(source, labelColumnName, featureColumnName, copiedLayers: null, freezeCopiedLayers: false, CopyDirection.First, epochs, learningRate, seed);

    /// <summary>
    /// The layer-transferability sweep of Yosinski et al. 2014 (Fig. 2): for N = 0..L copied blocks,
    /// frozen and fine-tuned, trains on <paramref name="train"/> and measures accuracy and log-loss on
    /// <paramref name="validation"/>, for each seed.
    /// </summary>
    /// <param name="source">The source model.</param>
    /// <param name="train">Target training rows (features and key label, as the options name them).</param>
    /// <param name="validation">Target rows to measure on.</param>
    /// <param name="options">Training settings for every run; CopiedLayers, FreezeCopiedLayers and Seed are set by the sweep. Default: the defaults of <see cref="LayerTransferOptions"/>.</param>
    /// <param name="seeds">One run per seed; default just seed 0.</param>
    /// <returns>The table; write its plot with TransferLearning.ML.Plotting's TransferabilityPlot.</returns>
    public TransferabilityTable TransferabilitySweep(ITransformer source, IDataView train, IDataView validation,
        LayerTransferOptions? options = null, IReadOnlyList<int>? seeds = null) =>
        FineTuning.TransferabilitySweep.Run(Context, source, train, validation, options ?? new LayerTransferOptions(), seeds ?? [TrainingDefaults.Seed]);
}
