using TorchSharp;
using TransferLearning.ML.Torch.Inference;
using TransferLearning.ML.Torch.Modules;
using static TorchSharp.torch;

namespace TransferLearning.ML.Tests.Torch;

[TestClass]
public sealed class ChunkedTests
{
    [TestMethod]
    public void Map_gives_every_chunk_in_order_and_leaves_only_the_result_in_the_callers_scope()
    {
        using var scope = torch.NewDisposeScope();
        // Three chunks of narrow rows; the map makes two intermediates per chunk.
        long rows = 2L * RowBlocks.MaxRows + 5;
        var input = torch.arange(rows * 2, dtype: ScalarType.Float32).view(rows, 2);
        int before = scope.DisposablesCount;
        var mapped = Chunked.Map(input, chunk => (chunk * 2 + 1).sum(1, keepdim: true));

        Assert.AreEqual(before + 1, scope.DisposablesCount, "the chunks' intermediates should be freed chunk by chunk");
        CollectionAssert.AreEqual(new long[] { rows, 1 }, mapped.shape);
        var expected = (input * 2 + 1).sum(1, keepdim: true);
        Assert.IsTrue(mapped.eq(expected).all().item<bool>());
    }
}
