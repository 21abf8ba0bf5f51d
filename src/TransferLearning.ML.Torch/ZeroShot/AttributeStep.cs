using TorchSharp;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Torch.Training.Sampling;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.ZeroShot;

/// <summary>
/// Learning to predict class descriptions from features: each row's target is its class's
/// description (binary attributes: sigmoid + cross-entropy per attribute; continuous: squared error).
/// Evaluation reports accuracy of matching the prediction back to the seen classes.
/// </summary>
internal sealed class AttributeStep : ITrainingStep
{
    private readonly Network _network;
    private readonly Tensor _features, _labels, _classAttributes;
    private readonly bool _binary;
    private readonly AttributeMatching _matching;

    /// <summary>Creates the step.</summary>
    /// <param name="network">Features → one output per attribute (logits when binary).</param>
    /// <param name="features">Training rows [rows, d].</param>
    /// <param name="labels">Seen-class index of each row [rows].</param>
    /// <param name="classAttributes">The seen classes' descriptions [seen classes, attributes].</param>
    /// <param name="binary">Whether the attributes are 0/1.</param>
    /// <param name="matching">How validation matches predictions back to classes.</param>
    public AttributeStep(Network network, Tensor features, Tensor labels, Tensor classAttributes, bool binary, AttributeMatching matching)
    {
        _network = network;
        _features = features;
        _labels = labels;
        _classAttributes = classAttributes;
        _binary = binary;
        _matching = matching;
        ParameterGroups = [new ParameterGroup(network.parameters().ToArray())];
    }

    /// <inheritdoc />
    public nn.Module Model => _network;

    /// <inheritdoc />
    public IReadOnlyList<ParameterGroup> ParameterGroups { get; }

    /// <inheritdoc />
    public StepLoss Loss(Batch batch, double progress) => new(Distance(batch.Rows));

    /// <inheritdoc />
    public Evaluation Evaluate(Tensor rows)
    {
        var output = _network.forward(_features.index_select(0, rows));
        var predicted = _binary ? output.sigmoid() : output;
        var scores = CandidateScoresHead.Scores(predicted, _classAttributes, ZeroShotModels.Matching(_matching));
        double accuracy = scores.argmax(1).eq(_labels.index_select(0, rows)).to_type(ScalarType.Float32).mean().item<float>();
        return new Evaluation(Distance(rows).item<float>(), accuracy);
    }

    private Tensor Distance(Tensor rows)
    {
        var output = _network.forward(_features.index_select(0, rows));
        var target = _classAttributes.index_select(0, _labels.index_select(0, rows));
        return _binary ? nn.functional.binary_cross_entropy_with_logits(output, target) : nn.functional.mse_loss(output, target);
    }
}
