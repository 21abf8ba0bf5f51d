using TransferLearning.ML.Datasets;

namespace TransferLearning.ML.Tests.DatasetReaders;

[TestClass]
public sealed class HersheyGlyphsTests
{
    private static string Sample => Path.Combine(AppContext.BaseDirectory, "Data", "hershey", "sample.jhf");

    [TestMethod]
    public void ReadsStrokesAndLeavesOutTheSpace()
    {
        var glyphs = HersheyGlyphs.Read(Sample);
        Assert.HasCount(8, glyphs, "nine glyphs, one of them the stroke-less space");
        var a = glyphs[1];
        Assert.AreEqual("sample/1", a.Name);
        // "RFJ[ RRFZ[ RMTWT": two slanted strokes from the apex and the bar (value = character - 'R').
        Assert.HasCount(3, a.Strokes);
        CollectionAssert.AreEqual(new[] { (0f, -12f), (-8f, 9f) }, a.Strokes[0]);
        CollectionAssert.AreEqual(new[] { (-5f, 2f), (5f, 2f) }, a.Strokes[2]);
        Assert.AreEqual(6, glyphs[5].Index, "indices count the space too");
    }

    [TestMethod]
    public void RendersDistortedInstancesReproducibly()
    {
        var glyphs = HersheyGlyphs.Read(Sample);
        var images = HersheyGlyphs.Render(glyphs, instances: 4, size: 28, seed: 1);
        Assert.AreEqual(32, images.Count);
        Assert.AreEqual(784, images.Length);
        Assert.IsTrue(images.Images.SelectMany(i => i).All(v => v >= 0 && v <= 1));
        foreach (var image in images.Images)
        {
            double ink = image.Count(v => v > 0.5) / 784.0;
            Assert.IsTrue(ink > 0.02 && ink < 0.5, $"ink covers {ink:P1} of the image");
            Assert.IsTrue(image.Take(28).All(v => v < 0.5) || image.Skip(27 * 28).All(v => v < 0.5), "the glyph fits inside the frame");
        }
        CollectionAssert.AreNotEqual(images.Images[0], images.Images[1], "each instance has its own distortion");
        CollectionAssert.AreEqual(new[] { 0, 0, 0, 0, 1 }, images.Labels.Take(5).ToArray());
        var again = HersheyGlyphs.Render(glyphs, instances: 4, size: 28, seed: 1);
        for (int i = 0; i < images.Count; i++) CollectionAssert.AreEqual(images.Images[i], again.Images[i], $"image {i}: same seed, same pixels");
        CollectionAssert.AreNotEqual(images.Images[0], HersheyGlyphs.Render(glyphs, 4, 28, seed: 2).Images[0]);
    }

    [TestMethod]
    public void SplitsFontsAndRefusesBrokenFiles()
    {
        var fonts = new[] { "b", "a", "c", "d", "a" };
        CollectionAssert.AreEqual(new[] { true, false, false, true }, new[] { "a", "b", "c", "d" }.Select(f => HersheyGlyphs.IsTestFont(f, fonts)).ToArray());
        Assert.Throws<ArgumentException>(() => HersheyGlyphs.IsTestFont("e", fonts));

        var broken = TestData.TempFile(".jhf");
        File.WriteAllLines(broken, [File.ReadLines(Sample).First(), "12345 24G\\KFK[ RKFTFWG"]);
        var error = Assert.Throws<InvalidDataException>(() => HersheyGlyphs.Read(broken));
        StringAssert.Contains(error.Message, "line 2: the glyph declares 24 vertices but holds 7");
        File.WriteAllText(broken, "not a font\n");
        StringAssert.Contains(Assert.Throws<InvalidDataException>(() => HersheyGlyphs.Read(broken)).Message, "line 1: expected a glyph");
    }
}
