using Microsoft.ML;
using Microsoft.ML.Runtime;
using TorchSharp;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Torch.Transfer;

namespace TransferLearning.ML.FineTuning;

/// <summary>
/// Layer transfer: builds the target network from a fitted source network by copying its first
/// (or last) N blocks with their weights, adds fresh blocks and a new head sized for the target's
/// classes, and trains on the target with the copied blocks frozen or at a learning-rate
/// multiplier; optionally a second phase fine-tunes everything. L2-SP and output distillation
/// keep the new model close to the source (conservative training). Plain fine-tuning is the case
/// "copy every block, freeze nothing" (<c>mlContext.TransferLearning().FineTune</c>).
/// </summary>
/// <remarks>
/// Follows Yosinski, Clune, Bengio and Lipson 2014, "How transferable are features in deep neural
/// networks?" (copy first N, frozen or fine-tuned); Li, Grandvalet and Davoine 2018 (L2-SP); Li and
/// Hoiem 2016 (output distillation). Columns as for every classifier: a float-vector feature
/// column of the source's input size (for copying the first blocks) and a key label; outputs
/// Score and PredictedLabel. Returns a <see cref="NetworkTransformer"/>.
/// </remarks>
public sealed class LayerTransferEstimator : NetworkEstimator<LayerTransferOptions>
{
    private readonly LayerTransferRecipe _recipe;

    /// <summary>Creates the estimator; the options are checked now.</summary>
    /// <param name="env">The ML.NET environment (an MLContext).</param>
    /// <param name="source">A fitted network classifier of this package, or a model (chain) holding one, e.g. from Model.Load.</param>
    /// <param name="options">What to copy and how to train.</param>
    /// <exception cref="ArgumentException">An option is out of range, or the source holds no network classifier.</exception>
    internal LayerTransferEstimator(IHostEnvironment env, ITransformer source, LayerTransferOptions options)
        : base(env, options)
    {
        _recipe = new LayerTransferRecipe(options, SourceNetwork.Find(source).Network);
    }

    /// <summary>Copies the blocks, trains on <paramref name="input"/> and returns the target classifier.</summary>
    /// <exception cref="ArgumentException">A column is missing or wrong, or the target rows do not fit the copied blocks.</exception>
    /// <exception cref="InvalidDataException">No rows, a NaN feature, or an unlabelled row.</exception>
    public override NetworkTransformer Fit(IDataView input)
    {
        var data = ClassifierTrainer.Read(input, Options);
        torch.manual_seed(Options.Seed);
        var network = _recipe.Build(data.Rows.Length, data.Classes);
        return ClassifierTrainer.Train(Environment, "LayerTransfer", Options, data, network, context => _recipe.Train(context, Options));
    }

    /// <summary>The schema after Fit and Transform: the input plus Score and PredictedLabel.</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema) => ClassifierTrainer.OutputShape(inputSchema, Options);
}
