using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.Tests.DomainAdaptation;

[TestClass]
public sealed class CombineDomainsTests
{
    [TestMethod]
    public void SourceRowsThenTargetRowsWithADomainFlagAndMissingTargetLabels()
    {
        var ml = new MLContext(0);
        var source = ml.Data.LoadFromEnumerable(ShiftedBlobs.Make(3, false, 1));
        var target = ml.Data.LoadFromEnumerable(ShiftedBlobs.Make(2, true, 2).Select(r => new ShiftedBlobs.Unlabelled { Features = r.Features }).ToArray());
        var combined = ml.TransferLearning().CombineDomains(source, target);

        Assert.AreEqual(5L, combined.GetRowCount());
        Assert.AreEqual(BooleanDataViewType.Instance, combined.Schema["IsTarget"].Type);
        CollectionAssert.AreEqual(new[] { false, false, false, true, true }, combined.GetColumn<bool>("IsTarget").ToArray());
        CollectionAssert.AreEqual(new[] { "a", "b", "a", "", "" }, combined.GetColumn<string>("Label").ToArray());
        var features = combined.GetColumn<float[]>("Features").ToArray();
        Assert.AreEqual(3f, MathF.Round(features[0][ShiftedBlobs.DomainFeature]));
        Assert.AreEqual(-3f, MathF.Round(features[4][ShiftedBlobs.DomainFeature]));

        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(combined).Transform(combined);
        CollectionAssert.AreEqual(new uint[] { 1, 2, 1, 0, 0 }, keyed.GetColumn<uint>("Label").ToArray(), "empty target labels are missing keys");
    }

    [TestMethod]
    public void MismatchedSchemasAreRefused()
    {
        var ml = new MLContext(0);
        var source = ml.Data.LoadFromEnumerable(ShiftedBlobs.Make(3, false, 1));
        var other = ml.Data.LoadFromEnumerable(new[] { new Wider { Features = new float[6] } });
        var e = Assert.Throws<ArgumentException>(() => ml.TransferLearning().CombineDomains(source, other));
        StringAssert.Contains(e.Message, "Column 'Features' is Vector<Single, 5> in the source data but Vector<Single, 6> in the target data");
        var clash = Assert.Throws<ArgumentException>(() => ml.TransferLearning().CombineDomains(source, source, "Label"));
        StringAssert.Contains(clash.Message, "already has a column named 'Label'");
    }

    private sealed class Wider
    {
        [VectorType(6)]
        public float[] Features { get; set; } = [];
    }
}
