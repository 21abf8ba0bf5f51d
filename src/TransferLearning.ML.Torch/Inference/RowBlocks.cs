namespace TransferLearning.ML.Torch.Inference;

/// <summary>
/// How many rows one forward pass without gradients takes (Transform's blocks, evaluation passes):
/// a fixed budget of input floats, not a fixed row count. Large images in large blocks are slow,
/// because every activation of the block must be allocated and streamed through memory: ResNet18 at
/// 224x224 ran 31 images/s in blocks of 4 rows and 10 in blocks of 64 on 2 cores
/// (<c>eng/run-benchmarks.sh backbones</c> reports the block sweep).
/// </summary>
internal static class RowBlocks
{
    /// <summary>Input floats per block (2 MB): 3 rows of 224x224 RGB, 668 rows of 28x28.</summary>
    public const int InputFloats = 1 << 19;

    /// <summary>The most rows per block, for narrow rows.</summary>
    public const int MaxRows = 1024;

    /// <summary>Rows per block for rows of <paramref name="rowLength"/> floats.</summary>
    public static int For(long rowLength) => (int)Math.Clamp(InputFloats / Math.Max(1, rowLength), 1, MaxRows);
}
