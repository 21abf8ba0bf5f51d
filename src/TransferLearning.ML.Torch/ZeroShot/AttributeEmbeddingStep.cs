using TorchSharp;
using TorchSharp.Modules;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Torch.Training.Sampling;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.ZeroShot;

/// <summary>
/// Attribute label embedding (DeViSE / ALE): an image network f(x) and a linear class network
/// g(y) = W φ(y) map into one space, trained with the max-margin <see cref="RankingLoss"/> over
/// the seen classes; the prediction is the class maximising f(x) · g(y).
/// </summary>
internal sealed class AttributeEmbeddingStep : ITrainingStep
{
    private readonly Network _image;
    private readonly Linear _label;
    private readonly Tensor _features, _labels, _classDescriptions;
    private readonly double _margin;
    private readonly nn.Module _model;

    /// <summary>Creates the step.</summary>
    /// <param name="image">f: features → embedding (its head is the embedding layer).</param>
    /// <param name="label">g: class description → embedding.</param>
    /// <param name="features">Training rows.</param>
    /// <param name="labels">Seen-class index of each row.</param>
    /// <param name="classDescriptions">The seen classes' descriptions [seen classes, attributes].</param>
    /// <param name="margin">k, the margin.</param>
    public AttributeEmbeddingStep(Network image, Linear label, Tensor features, Tensor labels, Tensor classDescriptions, double margin)
    {
        _image = image;
        _label = label;
        _features = features;
        _labels = labels;
        _classDescriptions = classDescriptions;
        _margin = margin;
        _model = nn.ModuleDict(("image", image), ("label", label));
        ParameterGroups = [new ParameterGroup([.. image.parameters(), .. label.parameters()])];
    }

    /// <inheritdoc />
    public nn.Module Model => _model;

    /// <inheritdoc />
    public IReadOnlyList<ParameterGroup> ParameterGroups { get; }

    /// <summary>f(x) · g(y) for the given rows and every seen class.</summary>
    public Tensor Compatibility(Tensor rows) => _image.forward(_features.index_select(0, rows)).matmul(_label.forward(_classDescriptions).t());

    /// <inheritdoc />
    public StepLoss Loss(Batch batch, double progress) => new(RankingLoss.Loss(Compatibility(batch.Rows), _labels.index_select(0, batch.Rows), _margin));

    /// <inheritdoc />
    public Evaluation Evaluate(Tensor rows)
    {
        var compatibility = Compatibility(rows);
        var labels = _labels.index_select(0, rows);
        double accuracy = compatibility.argmax(1).eq(labels).to_type(ScalarType.Float32).mean().item<float>();
        return new Evaluation(RankingLoss.Loss(compatibility, labels, _margin).item<float>(), accuracy);
    }
}
