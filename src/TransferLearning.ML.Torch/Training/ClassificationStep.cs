using TorchSharp;
using TransferLearning.ML.Torch.Inference;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Training.Sampling;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Training;

/// <summary>Supervised classification: softmax cross-entropy of a <see cref="Network"/>'s logits against class indices.</summary>
internal class ClassificationStep : ITrainingStep
{
    /// <summary>Creates the step over features [rows, length] and int64 labels [rows], both on the training device.</summary>
    /// <param name="network">The network to train.</param>
    /// <param name="features">All training rows.</param>
    /// <param name="labels">Class index of each row, in [0, network.OutputSize).</param>
    /// <param name="parameterGroups">What to optimise; default every parameter at the base learning rate.</param>
    /// <param name="logits">The logits of a batch of input rows; default the network's first head on its trunk (<c>forward</c>).</param>
    public ClassificationStep(Network network, Tensor features, Tensor labels, IReadOnlyList<ParameterGroup>? parameterGroups = null,
        Func<Tensor, Tensor>? logits = null)
    {
        Network = network;
        Features = features;
        Labels = labels;
        ParameterGroups = parameterGroups ?? [new ParameterGroup(network.parameters().ToArray())];
        Logits = logits ?? network.forward;
    }

    /// <summary>The logits of a batch of input rows.</summary>
    protected Func<Tensor, Tensor> Logits { get; }

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
    public virtual StepLoss Loss(Batch batch, double progress)
    {
        var rows = batch.Rows;
        var logits = Logits(Features.index_select(0, rows));
        return new StepLoss(nn.functional.cross_entropy(logits, Labels.index_select(0, rows)));
    }

    /// <inheritdoc />
    public Evaluation Evaluate(Tensor rows)
    {
        var (loss, accuracy) = Measure(Logits, Features, Labels, rows);
        return new Evaluation(loss, accuracy);
    }

    /// <summary>Mean cross-entropy and accuracy of <paramref name="network"/> on <paramref name="rows"/>, in chunks; call under no_grad.</summary>
    public static (double Loss, double Accuracy) Measure(Network network, Tensor features, Tensor labels, Tensor rows) =>
        Measure(network.forward, features, labels, rows);

    /// <summary>Mean cross-entropy and accuracy of <paramref name="logits"/> on <paramref name="rows"/>, in chunks; call under no_grad.</summary>
    public static (double Loss, double Accuracy) Measure(Func<Tensor, Tensor> logits, Tensor features, Tensor labels, Tensor rows)
    {
        long count = rows.shape[0];
        double lossSum = 0, correct = 0;
        int chunkRows = RowBlocks.For(features.shape[1]);
        for (long start = 0; start < count; start += chunkRows)
        {
            using var scope = torch.NewDisposeScope();
            var chunk = rows.narrow(0, start, Math.Min(chunkRows, count - start));
            var output = logits(features.index_select(0, chunk));
            var expected = labels.index_select(0, chunk);
            lossSum += nn.functional.cross_entropy(output, expected, reduction: nn.Reduction.Sum).item<float>();
            correct += output.argmax(1).eq(expected).sum().item<long>();
        }
        return (lossSum / count, correct / count);
    }
}
