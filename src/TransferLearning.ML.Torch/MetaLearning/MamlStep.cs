using TorchSharp;
using TransferLearning.ML.Torch.Metric;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Torch.Training.Sampling;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.MetaLearning;

/// <summary>The settings of a MAML step (read from the ML.NET options, same names).</summary>
internal interface IMamlSettings
{
    /// <summary>N, classes per task (the head's outputs).</summary>
    int Ways { get; }

    /// <summary>K, support rows per class.</summary>
    int Shots { get; }

    /// <summary>Q, query rows per class.</summary>
    int Queries { get; }

    /// <summary>Tasks per meta-update.</summary>
    int TasksPerBatch { get; }

    /// <summary>Inner steps while meta-training.</summary>
    int InnerSteps { get; }

    /// <summary>α.</summary>
    double InnerLearningRate { get; }

    /// <summary>First-order MAML (no second derivatives).</summary>
    bool FirstOrder { get; }
}

/// <summary>
/// One meta-update of MAML: for each task of the batch, adapt θ on its support set, then the loss of
/// the adapted weights on its queries; the mean over tasks is what the outer optimizer minimises.
/// </summary>
internal sealed class MamlStep(Network network, Tensor features, Tensor labels, IMamlSettings settings) : ITrainingStep
{
    public nn.Module Model => network;

    public IReadOnlyList<ParameterGroup> ParameterGroups { get; } = [new ParameterGroup(network.parameters().ToArray())];

    public StepLoss Loss(Batch batch, double progress) => new(MetaLoss(batch, !settings.FirstOrder).Loss);

    /// <summary>The held-out rows' episodes (a fixed draw), adapted with first-order steps; accuracy is the queries'.</summary>
    public Evaluation Evaluate(Tensor rows)
    {
        var held = rows.data<long>().ToArray();
        EpisodeSampler sampler;
        try
        {
            sampler = new EpisodeSampler(held, labels.cpu().data<long>().ToArray(), settings.Ways, settings.Shots, settings.Queries, 1, rows.device, settings.TasksPerBatch);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new ArgumentException($"ValidationFraction: the held-out rows cannot form a validation episode ({e.Message}). Hold out more rows, or set it to 0.", e);
        }
        sampler.StartEpoch(new Random(0));
        // Adaptation needs gradients even though evaluation runs under no_grad.
        using var grad = torch.enable_grad();
        var (loss, accuracy) = MetaLoss(sampler.Next(0), false);
        return new Evaluation(loss.item<float>(), accuracy);
    }

    private (Tensor Loss, double Accuracy) MetaLoss(Batch batch, bool secondOrder)
    {
        var query = batch.Second ?? throw new ArgumentException("A MAML step needs episodes (support and query rows).");
        int tasks = (int)(batch.Classes!.shape[0] / settings.Ways);
        var weights = Maml.Weights(network);
        var supportTargets = Prototypes.GroupTargets(settings.Ways, settings.Shots, features.device);
        var queryTargets = Prototypes.GroupTargets(settings.Ways, settings.Queries, features.device);
        Tensor? total = null;
        double correct = 0;
        for (int t = 0; t < tasks; t++)
        {
            var support = features.index_select(0, batch.Rows.narrow(0, t * settings.Ways * settings.Shots, settings.Ways * settings.Shots));
            var queries = features.index_select(0, query.narrow(0, t * settings.Ways * settings.Queries, settings.Ways * settings.Queries));
            var adapted = Maml.Adapt(network, weights, support, supportTargets, settings.InnerSteps, settings.InnerLearningRate, secondOrder);
            var logits = FunctionalNetwork.Forward(network, queries, adapted);
            var loss = nn.functional.cross_entropy(logits, queryTargets);
            total = total is null ? loss : total + loss;
            correct += logits.argmax(1).eq(queryTargets).sum().item<long>();
        }
        return (total! / tasks, correct / (tasks * settings.Ways * settings.Queries));
    }

    /// <summary>The meta-batch sampler: <see cref="IMamlSettings.TasksPerBatch"/> episodes per step.</summary>
    public static SamplerFactory Sampler(long[] labels, IMamlSettings settings, int episodesPerEpoch) =>
        (rows, options, device) => new EpisodeSampler(rows, labels, settings.Ways, settings.Shots, settings.Queries, episodesPerEpoch, device, settings.TasksPerBatch);
}
