using Microsoft.ML;
using TorchSharp;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Data;
using TransferLearning.ML.Torch.MetaLearning;
using TransferLearning.ML.Torch.Metric;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Training;
using static TorchSharp.torch;

namespace TransferLearning.ML.Metric;

/// <summary>
/// MAML's meta-learned initialisation (Finn et al. 2017): a network that becomes a classifier for a
/// new N-way task after a few gradient steps on that task's support rows. <see cref="Adapt"/> makes
/// such a classifier (an ordinary, savable <see cref="NetworkTransformer"/>);
/// <see cref="EvaluateFewShot"/> measures the meta-learner on many sampled tasks.
/// </summary>
/// <remarks>Made by <see cref="MamlTrainer.MetaTrain"/>. Dispose it to free its native weights.</remarks>
public sealed class MamlModel : IDisposable
{
    private readonly Network _network;
    private readonly string _feature, _label;
    private readonly int _steps;
    private readonly double _learningRate;
    private readonly DeviceKind _device;
    private bool _disposed;

    internal MamlModel(Network network, MamlOptions options, TrainingReport report)
    {
        _network = network;
        _feature = options.FeatureColumnName;
        _label = options.LabelColumnName;
        Ways = options.Ways;
        _steps = options.AdaptationSteps;
        _learningRate = options.InnerLearningRate;
        _device = options.Device;
        TrainingReport = report;
    }

    /// <summary>N: the classes of every task (the classifier's outputs).</summary>
    public int Ways { get; }

    /// <summary>The meta-training history (loss per epoch, and held-out episode accuracy when rows were held out).</summary>
    public TrainingReport TrainingReport { get; }

    /// <summary>
    /// Adapts the initialisation to <paramref name="support"/> (AdaptationSteps gradient steps of size
    /// InnerLearningRate on all its rows) and returns the resulting classifier: Score over the
    /// support label's classes and a key PredictedLabel, savable with <c>mlContext.Model.Save</c>.
    /// </summary>
    /// <param name="support">Labelled rows: the feature column and a key label of exactly <see cref="Ways"/> classes, each with a row.</param>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing, of the wrong type or size, or the label has another number of classes.</exception>
    /// <exception cref="InvalidDataException">No rows, a NaN, an unlabelled row, or a class without a row.</exception>
    public NetworkTransformer Adapt(IDataView support)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var data = ClassifierTrainer.Read(support, new ClassifierOptions { FeatureColumnName = _feature, LabelColumnName = _label }, _network.InputLength);
        if (data.Classes != Ways)
            throw new ArgumentOutOfRangeException(_label, data.Classes,
                $"Label column '{_label}' of the support set has {data.Classes} classes (its key count); the model was meta-trained for Ways = {Ways}.");
        ReferenceClassifierEstimator.ClassCounts(data);
        var device = Devices.Resolve(_device);
        var adapted = new Network(_network.ModelSpec, _network.InputLength);
        adapted.to(device);
        using (var scope = torch.NewDisposeScope())
        {
            var x = torch.tensor(data.Rows.Features, [data.Rows.Count, data.Rows.Length], device: device);
            var y = torch.tensor(data.Rows.Labels, device: device);
            var weights = Maml.Adapt(_network, Maml.Weights(_network), x, y, _steps, _learningRate, secondOrder: false);
            using var noGrad = torch.no_grad();
            foreach (var (parameter, value) in adapted.parameters().Zip(weights)) parameter.copy_(value);
        }
        adapted.eval();
        return new NetworkTransformer("Maml", adapted, _device, new ModelInput(_feature, "Feature"),
            ClassifierColumns.Declare(DefaultColumnNames.Score, DefaultColumnNames.PredictedLabel, null, ClassifierColumns.Head, data.ClassNames), null, TrainingReport);
    }

    /// <summary>
    /// N-way K-shot accuracy (N = <see cref="Ways"/>) over <paramref name="episodes"/> tasks drawn
    /// from <paramref name="data"/>'s classes: adapt to each task's support rows, score its queries.
    /// For a given seed and data the episodes are those of <c>EvaluateFewShot</c> on embeddings.
    /// </summary>
    /// <param name="data">Labelled rows of the evaluation classes (the feature and label columns the model was trained with).</param>
    /// <param name="shots">K, support rows per class. Default 1.</param>
    /// <param name="queries">Q, query rows per class. Default 15.</param>
    /// <param name="episodes">Tasks. Default 100.</param>
    /// <param name="seed">Seeds the draw of tasks. Default 0.</param>
    public FewShotMetrics EvaluateFewShot(IDataView data, int shots = 1, int queries = 15, int episodes = 100, int seed = 0)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var rows = ClassifierTrainer.Read(data, new ClassifierOptions { FeatureColumnName = _feature, LabelColumnName = _label }, _network.InputLength).Rows;
        var device = Devices.Resolve(_device);
        using var features = torch.tensor(rows.Features, [rows.Count, rows.Length], device: device);
        var weights = Maml.Weights(_network);
        _network.eval();
        return FewShotMetrics.Measure(rows.Labels, _label, Ways, shots, queries, episodes, seed, batch =>
        {
            var support = features.index_select(0, batch.Rows.to(device));
            var adapted = Maml.Adapt(_network, weights, support, Prototypes.GroupTargets(Ways, shots, device), _steps, _learningRate, secondOrder: false);
            using var noGrad = torch.no_grad();
            return FunctionalNetwork.Forward(_network, features.index_select(0, batch.Second!.to(device)), adapted).argmax(1).cpu();
        });
    }

    /// <summary>Frees the network's native memory.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _network.Dispose();
    }
}
