using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.Tests.Metric;

[TestClass]
public sealed class PrototypeClassifierTests
{
    private static IDataView Keyed(MLContext ml, params (string Label, float[] Embedding)[] rows) =>
        ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(rows.Select(r => new Row { Label = r.Label, Embedding = r.Embedding }).ToArray()))
            .Transform(ml.Data.LoadFromEnumerable(rows.Select(r => new Row { Label = r.Label, Embedding = r.Embedding }).ToArray()));

    [TestMethod]
    public void PrototypesAreClassMeansAndRowsGoToTheNearest()
    {
        var ml = new MLContext(0);
        var reference = Keyed(ml, ("cat", [0, 0]), ("cat", [2, 0]), ("dog", [10, 10]), ("dog", [10, 12]));
        using var model = ml.TransferLearning().PrototypeClassifier(reference).Fit(reference);
        var table = model.Network.state_dict()["heads.prototypes.table"].data<float>().ToArray();
        CollectionAssert.AreEqual(new float[] { 1, 0, 10, 11 }, table, "the class means");

        var queries = Keyed(ml, ("cat", [1, 1]), ("dog", [9, 9]), ("cat", [4, 3]));
        var scored = model.Transform(queries);
        var scores = scored.GetColumn<float[]>("Score").ToArray();
        // Score = softmax of minus the distances: row 0 is 1 from the cat prototype and sqrt(181) from the dog's.
        double cat = Math.Exp(-1), dog = Math.Exp(-Math.Sqrt(181));
        Assert.AreEqual(cat / (cat + dog), scores[0][0], 1e-5);
        var predicted = ml.Transforms.Conversion.MapKeyToValue("Predicted", "PredictedLabel").Fit(scored).Transform(scored).GetColumn<string>("Predicted").ToArray();
        CollectionAssert.AreEqual(new[] { "cat", "dog", "cat" }, predicted);
        Assert.AreEqual(1.0, ml.MulticlassClassification.Evaluate(scored).MicroAccuracy);
    }

    [TestMethod]
    public void PassesTheWorkoutAndRefusesBadReferences()
    {
        var ml = new MLContext(0);
        var reference = Keyed(ml, ("a", [0, 0]), ("a", [1, 0]), ("b", [5, 5]), ("b", [6, 5]));
        Conformance.Workout.Run(ml.TransferLearning().PrototypeClassifier(reference), reference, reference, inputColumn: "Embedding").Dispose();

        var none = Assert.Throws<InvalidDataException>(() => ml.TransferLearning().PrototypeClassifier(ml.Data.SkipRows(reference, 10)).Fit(reference));
        StringAssert.Contains(none.Message, "no rows");
        var three = ml.Data.LoadFromEnumerable(new[] { new Row3 { Embedding = [1, 2, 3] } });
        var size = Assert.Throws<ArgumentOutOfRangeException>(() => ml.TransferLearning().PrototypeClassifier(reference).Fit(three));
        StringAssert.Contains(size.Message, "has 3 values per row, but the model expects 2");
        var label = Assert.Throws<ArgumentOutOfRangeException>(() => ml.TransferLearning().PrototypeClassifier(reference, labelColumnName: "Class"));
        StringAssert.Contains(label.Message, "'Class'");
    }

    private sealed class Row
    {
        public string Label { get; set; } = "";

        [VectorType(2)]
        public float[] Embedding { get; set; } = [];
    }

    private sealed class Row3
    {
        [VectorType(3)]
        public float[] Embedding { get; set; } = [];
    }
}
