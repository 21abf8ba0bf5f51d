using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Training.Sampling;

/// <summary>
/// Class-balanced P x K batches for metric learning (Hermans, Beyer and Leibe 2017): each step takes
/// <c>P</c> classes at random and <c>K</c> rows of each (without replacement where a class has K rows
/// or more, with replacement where it has fewer), grouped by class. An epoch has as many steps as
/// batches of P·K rows the training rows fill.
/// </summary>
internal sealed class ClassBalancedSampler : IBatchSampler
{
    private readonly long[][] _byClass;
    private readonly int _classesPerBatch, _rowsPerClass;
    private readonly Device _device;
    private Random _random = new(0);

    /// <param name="trainRows">The training rows.</param>
    /// <param name="labels">Class index of every row of the data (indexed by row).</param>
    /// <param name="classesPerBatch">P; at least 2 and at most the number of classes present.</param>
    /// <param name="rowsPerClass">K; at least 1 (2 or more for anchor-positive pairs).</param>
    /// <param name="device">Where the index tensors go.</param>
    public ClassBalancedSampler(long[] trainRows, IReadOnlyList<long> labels, int classesPerBatch, int rowsPerClass, Device device)
    {
        _byClass = trainRows.GroupBy(r => labels[(int)r]).OrderBy(g => g.Key).Select(g => g.ToArray()).ToArray();
        if (classesPerBatch < 2 || classesPerBatch > _byClass.Length)
            throw new ArgumentOutOfRangeException(nameof(classesPerBatch), classesPerBatch,
                $"P (classes per batch) must be in [2, {_byClass.Length}]: the training rows hold {_byClass.Length} classes.");
        if (rowsPerClass < 1) throw new ArgumentOutOfRangeException(nameof(rowsPerClass), rowsPerClass, "K (rows per class) must be at least 1.");
        _classesPerBatch = classesPerBatch;
        _rowsPerClass = rowsPerClass;
        _device = device;
        StepsPerEpoch = Math.Max(1, trainRows.Length / (classesPerBatch * rowsPerClass));
    }

    public int StepsPerEpoch { get; }

    public void StartEpoch(Random random) => _random = random;

    public Batch Next(int step)
    {
        var classes = Enumerable.Range(0, _byClass.Length).ToArray();
        UniformRowSampler.Shuffle(classes, _random);
        var rows = new long[_classesPerBatch * _rowsPerClass];
        for (int p = 0; p < _classesPerBatch; p++)
            Draw(_byClass[classes[p]], _rowsPerClass, _random).CopyTo(rows, p * _rowsPerClass);
        return new Batch(torch.tensor(rows, device: _device));
    }

    /// <summary><paramref name="count"/> of <paramref name="rows"/>: distinct when there are enough, else with replacement.</summary>
    internal static long[] Draw(long[] rows, int count, Random random)
    {
        if (rows.Length < count) return Enumerable.Range(0, count).Select(_ => rows[random.Next(rows.Length)]).ToArray();
        var copy = rows.ToArray();
        for (int i = 0; i < count; i++)
        {
            int j = i + random.Next(copy.Length - i);
            (copy[i], copy[j]) = (copy[j], copy[i]);
        }
        return copy[..count];
    }

    public void Dispose()
    {
    }
}
