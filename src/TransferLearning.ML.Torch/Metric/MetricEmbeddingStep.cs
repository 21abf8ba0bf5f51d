using TorchSharp;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Torch.Training.Sampling;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Metric;

/// <summary>The settings of a metric-embedding step (read from the ML.NET options, same names).</summary>
internal interface IMetricEmbeddingSettings
{
    MetricLoss Loss { get; }

    TripletMining Mining { get; }

    MetricDistance Distance { get; }

    double Margin { get; }

    double NegativeMargin { get; }

    double Temperature { get; }
}

/// <summary>
/// One step of metric learning: the batch's embeddings (the model's first head, L2-normalised) and
/// the chosen loss over its labels; batches are class-balanced (P classes × K rows) so that every
/// anchor has positives.
/// </summary>
internal sealed class MetricEmbeddingStep(Network network, Tensor features, Tensor labels, IMetricEmbeddingSettings settings) : ITrainingStep
{
    public nn.Module Model => network;

    public IReadOnlyList<ParameterGroup> ParameterGroups { get; } = [new ParameterGroup(network.parameters().ToArray())];

    public StepLoss Loss(Batch batch, double progress) =>
        new(Compute(network.forward(features.index_select(0, batch.Rows)), labels.index_select(0, batch.Rows)));

    public Evaluation Evaluate(Tensor rows) => new(Compute(network.forward(features.index_select(0, rows)), labels.index_select(0, rows)).item<float>(), null);

    private Tensor Compute(Tensor embeddings, Tensor batchLabels) => settings.Loss switch
    {
        MetricLoss.Triplet => MetricLosses.Triplet(embeddings, batchLabels, settings.Mining, settings.Distance, settings.Margin),
        MetricLoss.Contrastive => MetricLosses.Contrastive(embeddings, batchLabels, settings.Distance, settings.Margin, settings.NegativeMargin),
        _ => MetricLosses.NtXent(embeddings, batchLabels, settings.Temperature),
    };

    /// <summary>The P x K sampler over the training rows.</summary>
    public static SamplerFactory Sampler(long[] labels, int classesPerBatch, int rowsPerClass) =>
        (rows, options, device) => new ClassBalancedSampler(rows, labels, classesPerBatch, rowsPerClass, device);
}
