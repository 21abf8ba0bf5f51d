using TorchSharp;
using TransferLearning.ML.Torch.Inference;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Modules;

/// <summary>Applies a row-wise function to many rows a chunk at a time, so that no intermediate holds every row at once.</summary>
internal static class Chunked
{
    /// <summary><paramref name="map"/> of every chunk of <paramref name="rows"/> (<see cref="RowBlocks"/> rows each), concatenated in order.</summary>
    public static Tensor Map(Tensor rows, Func<Tensor, Tensor> map)
    {
        var chunks = new List<Tensor>();
        int size = RowBlocks.For(rows.shape[0] == 0 ? 1 : rows.numel() / rows.shape[0]);
        for (long start = 0; start < rows.shape[0]; start += size)
            chunks.Add(map(rows.narrow(0, start, Math.Min(size, rows.shape[0] - start))));
        return torch.cat(chunks, 0);
    }
}
