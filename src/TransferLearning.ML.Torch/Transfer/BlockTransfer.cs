using TransferLearning.ML.Torch.Modules;

namespace TransferLearning.ML.Torch.Transfer;

/// <summary>Builds a target network from a source network by copying N of its blocks with their weights.</summary>
internal static class BlockTransfer
{
    /// <summary>The indices of the blocks that are copied (the same in source and target).</summary>
    public static int[] CopiedBlocks(int blockCount, int copied, CopyDirection direction) => direction == CopyDirection.First
        ? Enumerable.Range(0, copied).ToArray()
        : Enumerable.Range(blockCount - copied, copied).ToArray();

    /// <summary>
    /// A network with the source's blocks and a fresh head of <paramref name="classes"/> outputs,
    /// whose copied blocks hold the source's weights and whose other blocks are freshly initialised
    /// (seed torch before calling).
    /// </summary>
    /// <exception cref="ArgumentException">
    /// <paramref name="copied"/> is outside 0..source blocks, the input sizes differ where the
    /// first blocks are copied, or a copied block would see an input of another size.
    /// </exception>
    public static Network Build(Network source, int featureLength, int classes, int copied, CopyDirection direction)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (copied < 0 || copied > source.BlockCount)
            throw new ArgumentException($"Cannot copy {copied} blocks: the source network has {source.BlockCount} (0 to {source.BlockCount} can be copied).");
        bool sameInput = featureLength == source.InputLength;
        if (direction == CopyDirection.First && copied > 0 && !sameInput)
            throw new ArgumentException(
                $"The source network reads {source.InputLength} features per row (shape [{string.Join(", ", source.Spec.InputShape)}]) but the target data has " +
                $"{featureLength}. Copying the first blocks needs the same input size: resize or pad the target rows to the source's shape.");

        var spec = sameInput ? source.Spec : source.Spec.WithInputShape();
        var target = new Network(spec, featureLength, classes);
        try
        {
            foreach (int block in CopiedBlocks(source.BlockCount, copied, direction))
                target.CopyBlockFrom(source, block, block);
            return target;
        }
        catch
        {
            target.Dispose();
            throw;
        }
    }
}
