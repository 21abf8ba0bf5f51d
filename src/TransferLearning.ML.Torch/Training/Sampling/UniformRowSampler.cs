using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Training.Sampling;

/// <summary>Shuffled mini-batches of <c>BatchSize</c> rows that cover every training row once per epoch (the last may be smaller).</summary>
internal sealed class UniformRowSampler : IBatchSampler
{
    private readonly long[] _rows;
    private readonly int _batchSize;
    private readonly Device _device;
    private Tensor? _order;

    public UniformRowSampler(long[] trainRows, int batchSize, Device device)
    {
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "A batch needs at least one row.");
        _rows = trainRows.ToArray();
        _batchSize = batchSize;
        _device = device;
        StepsPerEpoch = (_rows.Length + batchSize - 1) / batchSize;
    }

    /// <summary>The default factory: uniform batches of the options' BatchSize.</summary>
    public static SamplerFactory Factory { get; } = (rows, options, device) => new UniformRowSampler(rows, options.BatchSize, device);

    public int StepsPerEpoch { get; }

    public void StartEpoch(Random random)
    {
        Shuffle(_rows, random);
        _order?.Dispose();
        _order = torch.tensor(_rows, device: _device).DetachFromDisposeScope();
    }

    public Batch Next(int step)
    {
        if (_order is null) throw new InvalidOperationException("StartEpoch was not called.");
        int start = step * _batchSize;
        return new Batch(_order.narrow(0, start, Math.Min(_batchSize, _rows.Length - start)));
    }

    public void Dispose()
    {
        _order?.Dispose();
        _order = null;
    }

    /// <summary>Fisher-Yates with the run's own generator (independent of torch's global one).</summary>
    public static void Shuffle<T>(T[] items, Random random)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
