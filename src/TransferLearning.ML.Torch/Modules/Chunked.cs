using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Modules;

/// <summary>Applies a row-wise function to many rows a chunk at a time, so that no intermediate holds every row at once.</summary>
internal static class Chunked
{
    /// <summary>Rows per chunk.</summary>
    public const int Size = 1024;

    /// <summary><paramref name="map"/> of every chunk of <paramref name="rows"/>, concatenated in order.</summary>
    public static Tensor Map(Tensor rows, Func<Tensor, Tensor> map)
    {
        var chunks = new List<Tensor>();
        for (long start = 0; start < rows.shape[0]; start += Size)
            chunks.Add(map(rows.narrow(0, start, Math.Min(Size, rows.shape[0] - start))));
        return torch.cat(chunks, 0);
    }
}
