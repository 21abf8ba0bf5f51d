using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Training.Sampling;

/// <summary>
/// Domain adaptation's batches: uniform mini-batches of the (labelled) source rows, each with as
/// many target rows drawn at random with replacement (<see cref="Batch.Second"/>), as DANN trains
/// (Ganin and Lempitsky 2015: half source, half target per step).
/// </summary>
internal sealed class TwoDomainSampler : IBatchSampler
{
    private readonly UniformRowSampler _source;
    private readonly int _targetRows;
    private readonly Random _random;
    private readonly Device _device;

    /// <param name="sourceRows">The source training rows.</param>
    /// <param name="batchSize">Source rows per step.</param>
    /// <param name="targetRows">Number of target rows to draw from (indices 0..targetRows-1 of the target data).</param>
    /// <param name="seed">Seeds the target draws (independent of the source shuffles).</param>
    /// <param name="device">Where the index tensors go.</param>
    public TwoDomainSampler(long[] sourceRows, int batchSize, int targetRows, int seed, Device device)
    {
        if (targetRows < 1) throw new ArgumentException("Domain-adversarial training needs target rows.", nameof(targetRows));
        _source = new UniformRowSampler(sourceRows, batchSize, device);
        _targetRows = targetRows;
        _random = new Random(seed);
        _device = device;
    }

    public int StepsPerEpoch => _source.StepsPerEpoch;

    public void StartEpoch(Random random) => _source.StartEpoch(random);

    public Batch Next(int step)
    {
        var source = _source.Next(step).Rows;
        var target = new long[source.shape[0]];
        for (int i = 0; i < target.Length; i++) target[i] = _random.Next(_targetRows);
        return new Batch(source, torch.tensor(target, device: _device));
    }

    public void Dispose() => _source.Dispose();
}
