using TorchSharp;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Torch.Training.Sampling;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Metric;

/// <summary>
/// One episode of prototypical-network training (Snell et al. 2017): embed the support and query
/// rows, take each class's mean support embedding as its prototype, and minimise the cross-entropy
/// of the queries over minus their squared distances to the prototypes.
/// </summary>
internal sealed class PrototypicalStep(Network network, Tensor features, Tensor labels, string embeddingHead, int ways, int queries) : ITrainingStep
{
    public nn.Module Model => network;

    public IReadOnlyList<ParameterGroup> ParameterGroups { get; } = [new ParameterGroup(network.parameters().ToArray())];

    public StepLoss Loss(Batch batch, double progress)
    {
        var support = Embed(batch.Rows);
        var query = Embed(batch.Second ?? throw new ArgumentException("A prototypical step needs an episode (support and query rows)."));
        var logits = Prototypes.Logits(query, Prototypes.OfGroups(support, ways));
        return new StepLoss(nn.functional.cross_entropy(logits, Prototypes.GroupTargets(ways, queries, logits.device)));
    }

    /// <summary>
    /// Held-out rows scored against the prototypes of the held-out rows' own classes (the class
    /// means over those rows): a cheap, deterministic proxy for episode accuracy.
    /// </summary>
    public Evaluation Evaluate(Tensor rows)
    {
        var embedded = Embed(rows);
        var rowLabels = labels.index_select(0, rows);
        var (classes, inverse, _) = torch.unique(rowLabels, return_inverse: true);
        var sums = torch.zeros(classes.shape[0], embedded.shape[1], device: embedded.device).index_add_(0, inverse!, embedded, 1);
        var counts = torch.zeros(classes.shape[0], device: embedded.device).index_add_(0, inverse!, torch.ones_like(rowLabels, dtype: ScalarType.Float32), 1);
        var logits = Prototypes.Logits(embedded, sums / counts.unsqueeze(1));
        double loss = nn.functional.cross_entropy(logits, inverse!).item<float>();
        double accuracy = logits.argmax(1).eq(inverse!).to_type(ScalarType.Float32).mean().item<float>();
        return new Evaluation(loss, accuracy);
    }

    private Tensor Embed(Tensor rows) => network.Head(embeddingHead, network.Features(features.index_select(0, rows)));

    /// <summary>The episode sampler: <paramref name="ways"/> classes, <paramref name="shots"/> support and <paramref name="queries"/> query rows each.</summary>
    public static SamplerFactory Sampler(long[] labels, int ways, int shots, int queries, int episodesPerEpoch) =>
        (rows, options, device) => new EpisodeSampler(rows, labels, ways, shots, queries, episodesPerEpoch, device);
}
