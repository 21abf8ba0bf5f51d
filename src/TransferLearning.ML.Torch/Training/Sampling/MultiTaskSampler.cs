using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Training.Sampling;

/// <summary>
/// Uniform mini-batches over rows that carry several labels, some missing: each batch also lists,
/// per task, the positions within the batch whose label for that task is present
/// (<see cref="Batch.TaskRows"/>), so that a task's loss is computed on those rows only and a
/// missing label never counts as a class.
/// </summary>
internal sealed class MultiTaskSampler : IBatchSampler
{
    private readonly UniformRowSampler _rows;
    private readonly bool[][] _present;
    private readonly Device _device;
    private long[] _current = [];

    /// <param name="trainRows">The training rows.</param>
    /// <param name="present">Per task, whether each row of the data (indexed by row) has that task's label.</param>
    /// <param name="batchSize">Rows per step.</param>
    /// <param name="device">Where the index tensors go.</param>
    public MultiTaskSampler(long[] trainRows, IReadOnlyList<bool[]> present, int batchSize, Device device)
    {
        if (present.Count == 0) throw new ArgumentException("A multitask sampler needs at least one task.", nameof(present));
        for (int t = 0; t < present.Count; t++)
            if (!trainRows.Any(r => present[t][r])) throw new ArgumentException($"Task {t} has no labelled training row.", nameof(present));
        _rows = new UniformRowSampler(trainRows, batchSize, device);
        _present = present.ToArray();
        _device = device;
    }

    public int StepsPerEpoch => _rows.StepsPerEpoch;

    public void StartEpoch(Random random) => _rows.StartEpoch(random);

    public Batch Next(int step)
    {
        var rows = _rows.Next(step).Rows;
        _current = rows.cpu().data<long>().ToArray();
        var tasks = _present.Select(present => torch.tensor(
            Enumerable.Range(0, _current.Length).Where(i => present[_current[i]]).Select(i => (long)i).ToArray(), ScalarType.Int64, _device)).ToArray();
        return new Batch(rows, TaskRows: tasks);
    }

    public void Dispose() => _rows.Dispose();
}
