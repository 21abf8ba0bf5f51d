using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace TransferLearning.ML.Classification;

/// <summary>
/// Trains a neural network classifier with TorchSharp on a float-vector feature column and a key
/// label: the spec's blocks (an MLP, a LeNet-style CNN, or your own) plus a linear head, softmax
/// cross-entropy, and the shared training loop.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Column</term><description>Type</description></listheader>
/// <item><term>Features (input)</term><description>known-size vector of Single; images as ExtractPixels writes them</description></item>
/// <item><term>Label (input)</term><description>key (use MapValueToKey); every row labelled</description></item>
/// <item><term>Score (output)</term><description>vector of Single: class probabilities, slot names = classes</description></item>
/// <item><term>PredictedLabel (output)</term><description>key with the label's key values</description></item>
/// </list>
/// Create it with <c>mlContext.TransferLearning().NetworkClassifier(...)</c>.
/// </remarks>
public sealed class NetworkClassifierTrainer : NetworkEstimator<NetworkClassifierOptions>
{
    /// <summary>Creates the estimator; the options are checked now.</summary>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    internal NetworkClassifierTrainer(IHostEnvironment env, NetworkClassifierOptions options)
        : base(env, options)
    {
    }

    /// <summary>Reads the training rows, trains the network and returns the fitted transformer.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type or size.</exception>
    /// <exception cref="InvalidDataException">No rows, a NaN or infinite feature, or an unlabelled row.</exception>
    public override NetworkTransformer Fit(IDataView input)
    {
        var data = ClassifierTrainer.Read(input, Options);
        var network = ClassifierTrainer.CreateNetwork(Options.Network, data.Rows.Length, data.Classes, Options.Seed,
            nameof(NetworkClassifierOptions.Network));
        return ClassifierTrainer.Train(Environment, "NetworkClassifier", Options, data, network);
    }

    /// <summary>The schema after Fit and Transform: the input plus Score, PredictedLabel (and learned features when asked for).</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema) => ClassifierTrainer.OutputShape(inputSchema, Options);
}
