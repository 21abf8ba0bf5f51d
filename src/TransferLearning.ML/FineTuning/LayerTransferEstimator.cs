using Microsoft.ML;
using Microsoft.ML.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Training;
using TransferLearning.ML.Torch.Losses;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Torch.Transfer;
using static TorchSharp.torch;

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
public sealed class LayerTransferEstimator : IEstimator<NetworkTransformer>
{
    private readonly IHostEnvironment _env;
    private readonly NetworkTransformer _source;
    private readonly LayerTransferOptions _options;

    /// <summary>Creates the estimator; the options are checked now.</summary>
    /// <param name="env">The ML.NET environment (an MLContext).</param>
    /// <param name="source">A fitted network classifier of this package, or a model (chain) holding one, e.g. from Model.Load.</param>
    /// <param name="options">What to copy and how to train.</param>
    /// <exception cref="ArgumentException">An option is out of range, or the source holds no network classifier.</exception>
    public LayerTransferEstimator(IHostEnvironment env, ITransformer source, LayerTransferOptions options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _env = env;
        _source = SourceNetwork.Find(source);
        _options = options;
        int blocks = _source.Network.BlockCount;
        if (options.CopiedLayers > blocks)
            throw new ArgumentException(
                $"Option CopiedLayers is {options.CopiedLayers}, but the source network has only {blocks} blocks.", nameof(options.CopiedLayers));
        if (options.Distillation is not null && (options.CopyFrom != CopyDirection.First || Copied != blocks))
            throw new ArgumentException(
                "Option Distillation needs every source block copied from the input side (CopyFrom = First, CopiedLayers = null or " +
                $"{blocks}), so that the source's head can read the new network's features.", nameof(options.Distillation));
    }

    private int Copied => _options.CopiedLayers ?? _source.Network.BlockCount;

    /// <summary>Copies the blocks, trains on <paramref name="input"/> and returns the target classifier.</summary>
    /// <exception cref="ArgumentException">A column is missing or wrong, or the target rows do not fit the copied blocks.</exception>
    /// <exception cref="InvalidDataException">No rows, a NaN feature, or an unlabelled row.</exception>
    public NetworkTransformer Fit(IDataView input)
    {
        var data = ClassifierTrainer.Read(input, _options);
        torch.manual_seed(_options.Seed);
        var network = BlockTransfer.Build(_source.Network, data.Rows.Length, data.Classes, Copied, _options.CopyFrom);
        return ClassifierTrainer.Train(_env, "LayerTransfer", _options, data, network, Train);
    }

    private TrainingReport Train(TrainingContext context)
    {
        var network = context.Network;
        var copied = BlockTransfer.CopiedBlocks(network.BlockCount, Copied, _options.CopyFrom);
        var copiedNames = copied.SelectMany(b => network.BlockParameters(b)).Select(p => p.Name).ToHashSet();
        var copiedParameters = network.named_parameters().Where(p => copiedNames.Contains(p.name)).Select(p => p.parameter).ToArray();
        var freshParameters = network.named_parameters().Where(p => !copiedNames.Contains(p.name)).Select(p => p.parameter).ToArray();
        if (_options.FreezeCopiedLayers)
            foreach (int block in copied) network.Freeze(block);

        using var l2Sp = _options.L2Sp is L2SpOptions l2
            ? new L2SpPenalty(copiedParameters.Where(p => p.requires_grad), freshParameters, l2.Alpha, l2.Beta)
            : null;
        using var sourceHead = _options.Distillation is null ? null : CopySourceHead(context.Device);
        using var teacher = _options.Distillation is null ? null : TeacherLogits(context.Features);
        var distillation = _options.Distillation is DistillationOptions d
            ? new DistillationTerm(teacher!, sourceHead!, d.Weight, d.Temperature, d.Loss)
            : null;
        var extra = sourceHead?.parameters().ToArray() ?? [];

        var firstGroups = new List<ParameterGroup> { new([.. freshParameters, .. extra]) };
        if (!_options.FreezeCopiedLayers) firstGroups.Add(new ParameterGroup(copiedParameters, _options.CopiedLayersLearningRateMultiplier));
        var first = context.Run(new ConservativeTransferStep(network, context.Features, context.Labels, firstGroups, l2Sp, distillation), _options);
        if (_options.FineTuneEpochs == 0) return first;

        foreach (int block in copied) network.Freeze(block, false);
        var phase = _options.Clone();
        phase.Epochs = _options.FineTuneEpochs;
        phase.LearningRate = _options.LearningRate * _options.FineTuneLearningRateMultiplier;
        var everything = new List<ParameterGroup> { new([.. network.parameters(), .. extra]) };
        var second = context.Run(new ConservativeTransferStep(network, context.Features, context.Labels, everything, l2Sp, distillation), phase);
        return TrainingReport.Concat(first, second);
    }

    /// <summary>A trainable copy of the source's head, for the distillation term.</summary>
    private Linear CopySourceHead(Device device)
    {
        var source = _source.Network;
        var head = nn.Linear(source.FeatureSize, source.OutputSize);
        string prefix = $"heads.{source.ModelSpec.Heads[0].Name}.linear.";
        using (torch.no_grad())
        {
            foreach (var (name, parameter) in source.HeadParameters())
                head.get_parameter(name[prefix.Length..])!.copy_(parameter);
        }
        return head.to(device);
    }

    /// <summary>The source network's logits on every training row, computed once in eval mode.</summary>
    private Tensor TeacherLogits(Tensor features)
    {
        var source = _source.Network;
        var sourceDevice = source.parameters().First().device;
        bool wasTraining = source.training;
        source.eval();
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            return Chunked.Map(features, chunk => source.forward(chunk.to(sourceDevice)).to(features.device)).MoveToOuterDisposeScope();
        }
        finally
        {
            source.train(wasTraining);
        }
    }

    /// <summary>The schema after Fit and Transform: the input plus Score and PredictedLabel.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema) => ClassifierTrainer.OutputShape(inputSchema, _options);
}
