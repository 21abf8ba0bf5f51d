using TorchSharp;
using TransferLearning.ML.Torch.Inference;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Modules;

/// <summary>Applies a row-wise function to many rows a chunk at a time, so that no intermediate holds every row at once.</summary>
internal static class Chunked
{
    /// <summary><paramref name="map"/> of every chunk of <paramref name="rows"/> (<see cref="RowBlocks"/> rows each), concatenated in order.</summary>
    /// <remarks>
    /// Each chunk runs in its own dispose scope, so that its intermediates are freed before the next
    /// chunk allocates: kept to the end, they made the libtorch allocator ask the kernel for fresh
    /// memory every chunk, and the domain-adversarial recipe's passes over 4000 small images took
    /// 3 to 4 times as long (eng/run-benchmarks.sh domain-adaptation-speed).
    /// </remarks>
    public static Tensor Map(Tensor rows, Func<Tensor, Tensor> map)
    {
        var chunks = new List<Tensor>();
        try
        {
            int size = RowBlocks.For(rows.shape[0] == 0 ? 1 : rows.numel() / rows.shape[0]);
            for (long start = 0; start < rows.shape[0]; start += size)
            {
                using var scope = torch.NewDisposeScope();
                chunks.Add(map(rows.narrow(0, start, Math.Min(size, rows.shape[0] - start))).DetachFromDisposeScope());
            }
            return torch.cat(chunks, 0);
        }
        finally
        {
            foreach (var chunk in chunks) chunk.Dispose();
        }
    }
}
