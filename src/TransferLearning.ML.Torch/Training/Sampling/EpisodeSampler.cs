using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Training.Sampling;

/// <summary>
/// Episodes for few-shot training (Vinyals et al. 2016; Snell et al. 2017): each step picks
/// <c>N</c> classes, then <c>K</c> support rows and <c>Q</c> query rows of each, disjoint within the
/// episode. <see cref="Batch.Rows"/> holds the support set and <see cref="Batch.Second"/> the queries,
/// both grouped by class in the order of <see cref="Batch.Classes"/>. With several tasks per batch
/// (MAML's meta-batch), the batch holds that many independent episodes one after the other.
/// </summary>
internal sealed class EpisodeSampler : IBatchSampler
{
    private readonly long[][] _byClass;
    private readonly long[] _classIds;
    private readonly int _ways, _shots, _queries, _tasks;
    private readonly Device _device;
    private Random _random = new(0);

    /// <param name="trainRows">The training rows.</param>
    /// <param name="labels">Class index of every row of the data (indexed by row).</param>
    /// <param name="ways">N, classes per episode; at least 2.</param>
    /// <param name="shots">K, support rows per class; at least 1.</param>
    /// <param name="queries">Q, query rows per class; at least 1.</param>
    /// <param name="episodesPerEpoch">Steps per epoch; at least 1.</param>
    /// <param name="device">Where the index tensors go.</param>
    /// <param name="tasksPerBatch">Independent episodes in one batch; at least 1.</param>
    public EpisodeSampler(long[] trainRows, IReadOnlyList<long> labels, int ways, int shots, int queries, int episodesPerEpoch, Device device, int tasksPerBatch = 1)
    {
        if (tasksPerBatch < 1) throw new ArgumentOutOfRangeException(nameof(tasksPerBatch), tasksPerBatch, "A batch needs at least one task.");
        if (shots < 1 || queries < 1) throw new ArgumentOutOfRangeException(nameof(shots), $"An episode needs at least 1 support and 1 query row per class (K {shots}, Q {queries}).");
        var groups = trainRows.GroupBy(r => labels[(int)r]).Where(g => g.Count() >= shots + queries).OrderBy(g => g.Key).ToArray();
        if (ways < 2 || ways > groups.Length)
            throw new ArgumentOutOfRangeException(nameof(ways), ways,
                $"N (classes per episode) must be in [2, {groups.Length}]: {groups.Length} classes have at least K + Q = {shots + queries} training rows.");
        if (episodesPerEpoch < 1) throw new ArgumentOutOfRangeException(nameof(episodesPerEpoch), episodesPerEpoch, "An epoch needs at least one episode.");
        _byClass = groups.Select(g => g.ToArray()).ToArray();
        _classIds = groups.Select(g => g.Key).ToArray();
        _ways = ways;
        _shots = shots;
        _queries = queries;
        _tasks = tasksPerBatch;
        _device = device;
        StepsPerEpoch = episodesPerEpoch;
    }

    public int StepsPerEpoch { get; }

    public void StartEpoch(Random random) => _random = random;

    public Batch Next(int step)
    {
        var support = new long[_tasks * _ways * _shots];
        var query = new long[_tasks * _ways * _queries];
        var classes = new long[_tasks * _ways];
        var order = new int[_byClass.Length];
        for (int t = 0; t < _tasks; t++)
        {
            for (int i = 0; i < order.Length; i++) order[i] = i;
            UniformRowSampler.Shuffle(order, _random);
            for (int n = 0; n < _ways; n++)
            {
                int slot = t * _ways + n;
                var drawn = ClassBalancedSampler.Draw(_byClass[order[n]], _shots + _queries, _random);
                drawn.AsSpan(0, _shots).CopyTo(support.AsSpan(slot * _shots));
                drawn.AsSpan(_shots).CopyTo(query.AsSpan(slot * _queries));
                classes[slot] = _classIds[order[n]];
            }
        }
        return new Batch(torch.tensor(support, device: _device), torch.tensor(query, device: _device), torch.tensor(classes, device: _device));
    }

    public void Dispose()
    {
    }
}
