using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using TransferLearning.ML.Data;
using TransferLearning.ML.Training;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.SelfTaught;

namespace TransferLearning.ML.SelfTaught;

/// <summary>
/// Self-taught learning (Raina et al. 2007): learns a representation from unlabelled rows — which
/// may come from another distribution than the task's — with an autoencoder, optionally denoising
/// (Vincent et al. 2008) and sparse, and writes the encoder's code as a feature column that any
/// ML.NET trainer can use. The encoder (the trunk: the Encoder layers plus the code layer) is also a
/// source network for <c>LayerTransfer</c> / <c>FineTune</c> on the few labelled rows.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Column</term><description>Type</description></listheader>
/// <item><term>Features (input)</term><description>known-size vector of Single; no label needed</description></item>
/// <item><term>SelfTaughtFeatures (output)</term><description>vector of Single, CodeSize values</description></item>
/// </list>
/// The decoder (see <see cref="SelfTaughtFeaturesOptions.Decoder"/>: one linear layer, or the encoder
/// mirrored with upsampling convolutions for a convolutional autoencoder) is saved with the model. Create it with <c>mlContext.TransferLearning().SelfTaughtFeatures(...)</c>.
/// </remarks>
public sealed class SelfTaughtFeaturesEstimator : NetworkEstimator<SelfTaughtFeaturesOptions>
{
    internal const string MethodName = "SelfTaughtFeatures";
    private const string DecoderHead = "reconstruction";

    /// <summary>The <c>TrainingReport.Metrics</c> key of the code's spread across the training rows (see <see cref="SelfTaughtFeaturesOptions.FailOnCollapse"/>).</summary>
    public const string CodeSpreadMetric = "code-spread";

    internal SelfTaughtFeaturesEstimator(IHostEnvironment env, SelfTaughtFeaturesOptions options) : base(env, options)
    {
    }

    /// <summary>Trains the autoencoder on the (unlabelled) rows.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The feature column is missing or of the wrong type.</exception>
    /// <exception cref="InvalidDataException">No rows, or a NaN or infinite feature.</exception>
    /// <exception cref="InvalidOperationException">The code collapsed (every row coded alike) and FailOnCollapse is set.</exception>
    public override NetworkTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var column = ColumnChecks.FloatVector(input.Schema, Options.FeatureColumnName, "Feature");
        var rows = LabeledRows.Read(input, column, null);
        var trunk = new NetworkSpec
        {
            InputShape = Options.Encoder.InputShape,
            Layers = [.. Options.Encoder.Layers, new DenseLayerSpec(Options.CodeSize) { Activation = Options.CodeActivation, BatchNorm = Options.CodeBatchNorm }],
        };
        var spec = new ModelSpec { Trunk = trunk, Heads = [Decoder(rows.Length)] };
        var network = ClassifierTrainer.CreateNetwork(spec, rows.Length, Options.Seed, nameof(SelfTaughtFeaturesOptions.Encoder));
        var report = TrainingRun.Execute(Environment, MethodName, Options, rows, network, context =>
        {
            var trained = context.Run(new AutoencoderStep(context.Network, context.Features, DecoderHead, Options, Options.Seed), Options);
            double spread = CodeSpread.Measure(context.Network, context.Features);
            if (Options.FailOnCollapse && spread < CodeSpread.CollapseThreshold)
                throw new InvalidOperationException(
                    $"The autoencoder's code collapsed: it varies across the training rows by {spread:P2} of its size, so every row gets nearly the same features. " +
                    "Keep CodeBatchNorm on, lower LearningRate, use CodeActivation Relu, or scale the feature column (e.g. NormalizeMinMax); " +
                    "set FailOnCollapse = false to keep the model anyway.");
            return trained with { Metrics = new Dictionary<string, double>(trained.Metrics) { [CodeSpreadMetric] = spread } };
        });
        return new NetworkTransformer(MethodName, network, Options.Device, new ModelInput(Options.FeatureColumnName, "Feature"),
            [new OutputColumnSpec(Options.OutputColumnName, ModelSpec.FeaturesOutput, OutputColumnKind.Vector)], null, report);
    }

    private HeadSpec Decoder(int featureLength)
    {
        bool sigmoid = Options.Reconstruction == ReconstructionLoss.CrossEntropy;
        bool convolutional = Options.Encoder.Layers.Any(l => l is ConvolutionLayerSpec);
        if (Options.Decoder == AutoencoderDecoder.Linear || Options.Decoder == AutoencoderDecoder.Auto && !convolutional)
            return new RegressionHeadSpec(DecoderHead, featureLength) { Sigmoid = sigmoid };
        try
        {
            return DecoderHeadSpec.Mirror(DecoderHead, Options.Encoder, Options.Encoder.ResolveInputShape(featureLength), sigmoid);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Option Encoder does not fit the data: {e.Message}", nameof(SelfTaughtFeaturesOptions.Encoder), e);
        }
    }

    /// <summary>The input plus the code column.</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnChecks.FloatVector(inputSchema, Options.FeatureColumnName, "Feature");
        var columns = inputSchema.ToDictionary(c => c.Name);
        columns[Options.OutputColumnName] = new SchemaShape.Column(Options.OutputColumnName, SchemaShape.Column.VectorKind.Vector, NumberDataViewType.Single, false);
        return new SchemaShape(columns.Values);
    }
}
