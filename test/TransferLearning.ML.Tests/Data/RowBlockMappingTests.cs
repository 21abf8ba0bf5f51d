using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Data;

namespace TransferLearning.ML.Tests.Data;

/// <summary>The shared Transform machinery, driven by a plain function so that its calls can be counted.</summary>
[TestClass]
public sealed class RowBlockMappingTests
{
    private sealed class Row
    {
        public int Id { get; set; }

        [VectorType(2)]
        public float[] Features { get; set; } = [];
    }

    private static (RowBlockMapping Mapping, List<int> Calls) SumAndDifference(int blockSize)
    {
        var calls = new List<int>();
        var mapping = new RowBlockMapping([("Features", 2)], "Feature", 2, (input, rows, output) =>
        {
            calls.Add(rows);
            for (int r = 0; r < rows; r++)
            {
                output[2 * r] = input[2 * r] + input[2 * r + 1];
                output[2 * r + 1] = input[2 * r] - input[2 * r + 1];
            }
        }, [new VectorOutputColumn("Out", 0, 2), new ArgMaxKeyOutputColumn("Best", 0, 2)], blockSize);
        return (mapping, calls);
    }

    private static IDataView Rows(MLContext ml, int count) =>
        ml.Data.LoadFromEnumerable(Enumerable.Range(0, count).Select(i => new Row { Id = i, Features = [i, i % 3 - 1] }).ToArray());

    [TestMethod]
    public void TransformRunsOnBlocksAndKeepsRowsAligned()
    {
        var ml = new MLContext(0);
        var (mapping, calls) = SumAndDifference(blockSize: 8);
        var view = mapping.Transform(Rows(ml, 21));

        var ids = view.GetColumn<int>("Id").ToArray();
        var outputs = view.GetColumn<float[]>("Out").ToArray();

        CollectionAssert.AreEqual(new[] { 8, 8, 5 }, calls, "three forward passes for 21 rows");
        for (int i = 0; i < 21; i++)
        {
            Assert.AreEqual(i, ids[i]);
            CollectionAssert.AreEqual(new float[] { i + (i % 3 - 1), i - (i % 3 - 1) }, outputs[i]);
        }
    }

    [TestMethod]
    public void ReadingOnlyInputColumnsComputesNothing()
    {
        var ml = new MLContext(0);
        var (mapping, calls) = SumAndDifference(8);
        Assert.HasCount(30, mapping.Transform(Rows(ml, 30)).GetColumn<int>("Id").ToArray());
        Assert.IsEmpty(calls);
    }

    [TestMethod]
    public void ShuffledCursorsStillPairEachRowWithItsOutputs()
    {
        var ml = new MLContext(0);
        var (mapping, _) = SumAndDifference(8);
        var view = mapping.Transform(ml.Data.Cache(Rows(ml, 50)));
        using var cursor = view.GetRowCursor(view.Schema, new Random(3));
        var getId = cursor.GetGetter<int>(view.Schema["Id"]);
        var getOut = cursor.GetGetter<VBuffer<float>>(view.Schema["Out"]);
        var getBest = cursor.GetGetter<uint>(view.Schema["Best"]);
        int id = 0, seen = 0;
        uint best = 0;
        VBuffer<float> output = default;
        var order = new List<int>();
        while (cursor.MoveNext())
        {
            getId(ref id);
            getOut(ref output);
            getBest(ref best);
            Assert.AreEqual(id + (id % 3 - 1), output.GetItemOrDefault(0));
            Assert.AreEqual(id % 3 - 1 >= 0 ? 1u : 2u, best, "argmax key is 1-based");
            order.Add(id);
            seen++;
        }
        Assert.AreEqual(50, seen);
        CollectionAssert.AreNotEqual(Enumerable.Range(0, 50).ToArray(), order.ToArray(), "the cursor was shuffled");
    }

    [TestMethod]
    public void NaNOutputsGiveAMissingPredictedKey()
    {
        var mapping = new RowBlockMapping([("Features", 2)], "Feature", 2, (input, rows, output) => output[..(2 * rows)].Fill(float.NaN),
            [new ArgMaxKeyOutputColumn("Best", 0, 2)]);
        var ml = new MLContext(0);
        Assert.IsTrue(mapping.Transform(Rows(ml, 3)).GetColumn<uint>("Best").All(k => k == 0));
    }

    [TestMethod]
    public void ReadingAColumnAsTheWrongTypeIsAClearError()
    {
        var ml = new MLContext(0);
        var (mapping, _) = SumAndDifference(8);
        var view = mapping.Transform(Rows(ml, 3));
        using var cursor = view.GetRowCursor(view.Schema);
        var e = Assert.Throws<InvalidOperationException>(() => cursor.GetGetter<float>(view.Schema["Out"]));
        StringAssert.Contains(e.Message, "Column 'Out' is Vector<Single, 2>");
    }
}
