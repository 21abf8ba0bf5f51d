using TorchSharp;
using TorchSharp.Modules;
using TransferLearning.ML.Torch.Losses;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Training.Sampling;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Training;

/// <summary>Settings of output distillation during transfer.</summary>
/// <param name="Teacher">The source network's logits for every training row, [rows, source classes], on the device.</param>
/// <param name="SourceHead">A copy of the source's head, kept on the student's features (as in Learning without Forgetting); trained with the rest.</param>
/// <param name="Weight">Weight of the distillation term.</param>
/// <param name="Temperature">Softmax temperature of the KL form.</param>
/// <param name="Kind">The distance.</param>
internal sealed record DistillationTerm(Tensor Teacher, Linear SourceHead, double Weight, double Temperature, DistillationLoss Kind);

/// <summary>
/// Classification on the target with conservative-training terms: cross-entropy, plus an
/// optional L2-SP penalty (Li et al. 2018) and optional output distillation towards the source
/// network (the "conservative training" of the lecture; Li and Hoiem 2016).
/// </summary>
internal sealed class ConservativeTransferStep : ClassificationStep
{
    private readonly L2SpPenalty? _l2Sp;
    private readonly DistillationTerm? _distillation;
    private readonly nn.Module _model;

    /// <summary>Creates the step.</summary>
    public ConservativeTransferStep(Network network, Tensor features, Tensor labels, IReadOnlyList<ParameterGroup> parameterGroups,
        L2SpPenalty? l2Sp, DistillationTerm? distillation)
        : base(network, features, labels, parameterGroups)
    {
        _l2Sp = l2Sp;
        _distillation = distillation;
        // Everything training changes, so that early stopping snapshots the source head too.
        _model = distillation is null ? network : nn.ModuleDict(("network", network), ("sourceHead", distillation.SourceHead));
    }

    /// <summary>The network and, with distillation, the source head it keeps.</summary>
    public override nn.Module Model => _model;

    /// <inheritdoc />
    public override StepLoss Loss(Batch batch, double progress)
    {
        var rows = batch.Rows;
        var features = Network.Features(Features.index_select(0, rows));
        var crossEntropy = nn.functional.cross_entropy(Network.Head(features), Labels.index_select(0, rows));
        var total = crossEntropy;
        var parts = new List<(string, Tensor)> { ("cross-entropy", crossEntropy) };
        if (_l2Sp is not null)
        {
            var penalty = _l2Sp.Compute();
            total = total + penalty;
            parts.Add(("l2-sp", penalty));
        }
        if (_distillation is DistillationTerm d)
        {
            var distance = Distillation.Loss(d.SourceHead.forward(features), d.Teacher.index_select(0, rows), d.Kind, d.Temperature);
            total = total + distance * d.Weight;
            parts.Add(("distillation", distance));
        }
        return new StepLoss(total, parts);
    }
}
