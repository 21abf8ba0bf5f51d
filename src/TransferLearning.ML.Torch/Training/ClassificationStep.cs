using TorchSharp;
using TransferLearning.ML.Torch.Modules;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Training;

/// <summary>Supervised classification: softmax cross-entropy of a <see cref="Network"/>'s logits against class indices.</summary>
public class ClassificationStep : ITrainingStep
{
    private const int EvaluationChunk = 1024;

    /// <summary>Creates the step over features [rows, length] and int64 labels [rows], both on the training device.</summary>
    /// <param name="network">The network to train.</param>
    /// <param name="features">All training rows.</param>
    /// <param name="labels">Class index of each row, in [0, network.OutputSize).</param>
    /// <param name="parameterGroups">What to optimise; default every parameter at the base learning rate.</param>
    public ClassificationStep(Network network, Tensor features, Tensor labels, IReadOnlyList<ParameterGroup>? parameterGroups = null)
    {
        Network = network;
        Features = features;
        Labels = labels;
        ParameterGroups = parameterGroups ?? [new ParameterGroup(network.parameters().ToArray())];
    }

    /// <summary>The network being trained.</summary>
    public Network Network { get; }

    /// <summary>All training rows, [rows, length].</summary>
    protected Tensor Features { get; }

    /// <summary>Class index of each row.</summary>
    protected Tensor Labels { get; }

    /// <inheritdoc />
    public virtual nn.Module Model => Network;

    /// <inheritdoc />
    public IReadOnlyList<ParameterGroup> ParameterGroups { get; }

    /// <inheritdoc />
    public virtual StepLoss Loss(Tensor rows, double progress)
    {
        var logits = Network.forward(Features.index_select(0, rows));
        return new StepLoss(nn.functional.cross_entropy(logits, Labels.index_select(0, rows)));
    }

    /// <inheritdoc />
    public Evaluation Evaluate(Tensor rows)
    {
        long count = rows.shape[0];
        double lossSum = 0, correct = 0;
        for (long start = 0; start < count; start += EvaluationChunk)
        {
            using var scope = torch.NewDisposeScope();
            var chunk = rows.narrow(0, start, Math.Min(EvaluationChunk, count - start));
            var logits = Network.forward(Features.index_select(0, chunk));
            var labels = Labels.index_select(0, chunk);
            lossSum += nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).item<float>();
            correct += logits.argmax(1).eq(labels).sum().item<long>();
        }
        return new Evaluation(lossSum / count, correct / count);
    }
}
