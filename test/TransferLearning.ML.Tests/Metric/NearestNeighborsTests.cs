using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.Tests.Metric;

[TestClass]
public sealed class NearestNeighborsTests
{
    internal static IDataView Keyed(MLContext ml, params (string Label, float[] Embedding)[] rows)
    {
        var view = ml.Data.LoadFromEnumerable(rows.Select(r => new Row { Label = r.Label, Embedding = r.Embedding }).ToArray());
        return ml.Transforms.Conversion.MapValueToKey("Label").Fit(view).Transform(view);
    }

    [TestMethod]
    public void TheKNearestReferenceRowsVoteAndTiesGoToTheNearer()
    {
        var ml = new MLContext(0);
        // On a line: a at 0, 1, 2; b at 10, 11; c at 2.6.
        var reference = Keyed(ml, ("a", [0, 0]), ("a", [1, 0]), ("a", [2, 0]), ("b", [10, 0]), ("b", [11, 0]), ("c", [2.6f, 0]));
        using var model = ml.TransferLearning().NearestNeighborsClassifier(reference, neighbors: 3).Fit(reference);
        var queries = Keyed(ml, ("a", [0.4f, 0]), ("b", [9, 0]), ("a", [2.5f, 0]));
        var scored = model.Transform(queries);
        var predicted = ml.Transforms.Conversion.MapKeyToValue("Predicted", "PredictedLabel").Fit(scored).Transform(scored).GetColumn<string>("Predicted").ToArray();
        // 0.4: neighbours 0, 1, 2 (all a). 9: 10, 11 (b) and 2.6 (c): b wins 2 to 1.
        // 2.5: neighbours 2.6 (c), 2 (a), 1 (a): a wins 2 to 1, although the single nearest is c.
        CollectionAssert.AreEqual(new[] { "a", "b", "a" }, predicted);
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        Assert.AreEqual(1.0, scores[0][0], 1e-3, "all three votes");
        Assert.AreEqual(2.0 / 3, scores[1][1], 1e-3, "two of three votes");
        Assert.AreEqual(1.0, scores.Select(s => s.Sum()).Min(), 1e-5, "scores are shares");

        // k = 2 at 2.4: neighbours 2.6 (c) and 2 (a), one vote each; c's voter is nearer.
        using var two = ml.TransferLearning().NearestNeighborsClassifier(reference, neighbors: 2).Fit(reference);
        var tie = two.Transform(Keyed(ml, ("c", [2.4f, 0])));
        Assert.AreEqual(3u, tie.GetColumn<uint>("PredictedLabel").Single(), "the tie goes to c (key 3)");
    }

    [TestMethod]
    public void PassesTheWorkoutAndRefusesBadReferences()
    {
        var ml = new MLContext(0);
        var reference = Keyed(ml, ("a", [0, 0]), ("a", [1, 0]), ("b", [5, 5]), ("b", [6, 5]), ("b", [5, 6]));
        Conformance.Workout.Run(ml.TransferLearning().NearestNeighborsClassifier(reference, neighbors: 3), reference, reference, inputColumn: "Embedding").Dispose();

        var large = Assert.Throws<ArgumentOutOfRangeException>(() => ml.TransferLearning().NearestNeighborsClassifier(reference, neighbors: 6).Fit(reference));
        StringAssert.Contains(large.Message, "larger than the 5 reference rows");
        var zero = Assert.Throws<ArgumentOutOfRangeException>(() => ml.TransferLearning().NearestNeighborsClassifier(reference, neighbors: 0));
        StringAssert.Contains(zero.Message, "neighbors");
        var none = Assert.Throws<InvalidDataException>(() => ml.TransferLearning().NearestNeighborsClassifier(ml.Data.SkipRows(reference, 10)).Fit(reference));
        StringAssert.Contains(none.Message, "no rows");
        var three = ml.Data.LoadFromEnumerable(new[] { new Row3 { Embedding = [1, 2, 3] } });
        var size = Assert.Throws<ArgumentOutOfRangeException>(() => ml.TransferLearning().NearestNeighborsClassifier(reference, 1).Fit(three));
        StringAssert.Contains(size.Message, "has 3 values per row, but the model expects 2");
        // A class of the label's key type with no reference row (the predicate says which rows to drop).
        var onlyA = ml.Data.FilterByCustomPredicate<KeyRow>(reference, r => r.Label != 1);
        var missing = Assert.Throws<InvalidDataException>(() => ml.TransferLearning().NearestNeighborsClassifier(onlyA, 1).Fit(reference));
        StringAssert.Contains(missing.Message, "no row of class b");
    }

    internal sealed class Row
    {
        public string Label { get; set; } = "";

        [VectorType(2)]
        public float[] Embedding { get; set; } = [];
    }

    private sealed class KeyRow
    {
        public uint Label { get; set; }
    }

    private sealed class Row3
    {
        [VectorType(3)]
        public float[] Embedding { get; set; } = [];
    }
}
