using TorchSharp;
using TorchSharp.Modules;
using TransferLearning.ML.Torch.Losses;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Training;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Transfer;

/// <summary>
/// Layer transfer as a whole (Yosinski et al. 2014): the target network built from the source's
/// first or last N blocks, those blocks frozen or trained at a learning-rate multiplier, an optional
/// fine-tuning phase, and the conservative-training terms — L2-SP (Li et al. 2018) and output
/// distillation towards the source (Li and Hoiem 2016), whose teacher logits are computed once.
/// </summary>
internal sealed class LayerTransferRecipe
{
    private readonly ILayerTransferSettings _settings;
    private readonly Network _source;

    /// <summary>Checks the settings against <paramref name="source"/>.</summary>
    /// <exception cref="ArgumentException">More layers asked for than the source has, or distillation without every block copied from the input side.</exception>
    public LayerTransferRecipe(ILayerTransferSettings settings, Network source)
    {
        _settings = settings;
        _source = source;
        int blocks = source.BlockCount;
        if (settings.CopiedLayers > blocks)
            throw new ArgumentException(
                $"Option CopiedLayers is {settings.CopiedLayers}, but the source network has only {blocks} blocks.", nameof(settings.CopiedLayers));
        if (settings.FrozenLayers is int f && (f < 0 || f > (settings.CopiedLayers ?? blocks)))
            throw new ArgumentException(
                $"Option FrozenLayers is {f}; it counts copied layers to freeze, so it must be in 0..{settings.CopiedLayers ?? blocks}.", nameof(settings.FrozenLayers));
        if (settings.Distillation is not null && source.ModelSpec.Heads.FirstOrDefault() is not Models.ClassifierHeadSpec)
            throw new ArgumentException("Option Distillation needs a source classifier (its class scores are the teacher's); this source has none.", nameof(settings.Distillation));
        if (settings.Distillation is not null && (settings.CopyFrom != CopyDirection.First || Copied != blocks))
            throw new ArgumentException(
                "Option Distillation needs every source block copied from the input side (CopyFrom = First, CopiedLayers = null or " +
                $"{blocks}), so that the source's head can read the new network's features.", nameof(settings.Distillation));
    }

    private int Copied => _settings.CopiedLayers ?? _source.BlockCount;

    /// <summary>The target network: the copied blocks with their weights, fresh blocks and head (seeded by torch.manual_seed).</summary>
    public Network Build(int featureLength, int classes) => BlockTransfer.Build(_source, featureLength, classes, Copied, _settings.CopyFrom);

    /// <summary>Trains the context's network (made by <see cref="Build"/>) with <paramref name="options"/>, then the fine-tuning phase if asked for.</summary>
    public TrainingReport Train(TrainingContext context, TrainingOptions options)
    {
        var network = context.Network;
        var copied = BlockTransfer.CopiedBlocks(network.BlockCount, Copied, _settings.CopyFrom);
        var copiedNames = copied.SelectMany(b => network.BlockParameters(b)).Select(p => p.Name).ToHashSet();
        var copiedParameters = network.named_parameters().Where(p => copiedNames.Contains(p.name)).Select(p => p.parameter).ToArray();
        var freshParameters = network.named_parameters().Where(p => !copiedNames.Contains(p.name)).Select(p => p.parameter).ToArray();
        // The frozen blocks: every copied one, or the first FrozenLayers of them from the input side (partial unfreezing).
        if (_settings.FreezeCopiedLayers)
            foreach (int block in copied.Order().Take(_settings.FrozenLayers ?? copied.Length)) network.Freeze(block);
        var unfrozenCopied = copiedParameters.Where(p => p.requires_grad).ToArray();

        using var l2Sp = _settings.L2Sp is L2SpOptions l2
            ? new L2SpPenalty(unfrozenCopied, freshParameters, l2.Alpha, l2.Beta)
            : null;
        using var sourceHead = _settings.Distillation is null ? null : CopySourceHead(context.Device);
        using var teacher = _settings.Distillation is null ? null : TeacherLogits(context.Features);
        var distillation = _settings.Distillation is DistillationOptions d
            ? new DistillationTerm(teacher!, sourceHead!, d.Weight, d.Temperature, d.Loss)
            : null;
        var extra = sourceHead?.parameters().ToArray() ?? [];

        var firstGroups = new List<ParameterGroup> { new([.. freshParameters, .. extra]) };
        if (unfrozenCopied.Length > 0) firstGroups.Add(new ParameterGroup(unfrozenCopied, _settings.CopiedLayersLearningRateMultiplier));
        var first = context.Run(new ConservativeTransferStep(network, context.Features, context.Labels, firstGroups, l2Sp, distillation), options);
        if (_settings.FineTuneEpochs == 0) return first;

        foreach (int block in copied) network.Freeze(block, false);
        var phase = options.WithPhase(_settings.FineTuneEpochs, options.LearningRate * _settings.FineTuneLearningRateMultiplier);
        var everything = new List<ParameterGroup> { new([.. network.parameters(), .. extra]) };
        var second = context.Run(new ConservativeTransferStep(network, context.Features, context.Labels, everything, l2Sp, distillation), phase);
        return TrainingReport.Concat(first, second);
    }

    /// <summary>A trainable copy of the source's head, for the distillation term.</summary>
    private Linear CopySourceHead(Device device)
    {
        var head = nn.Linear(_source.FeatureSize, _source.OutputSize);
        string prefix = $"heads.{_source.ModelSpec.Heads[0].Name}.linear.";
        using (torch.no_grad())
        {
            foreach (var (name, parameter) in _source.HeadParameters())
                head.get_parameter(name[prefix.Length..])!.copy_(parameter);
        }
        return head.to(device);
    }

    /// <summary>The source network's logits on every training row, computed once in eval mode.</summary>
    private Tensor TeacherLogits(Tensor features)
    {
        var sourceDevice = _source.parameters().First().device;
        bool wasTraining = _source.training;
        _source.eval();
        try
        {
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            return Chunked.Map(features, chunk => _source.forward(chunk.to(sourceDevice)).to(features.device)).MoveToOuterDisposeScope();
        }
        finally
        {
            _source.train(wasTraining);
        }
    }
}
