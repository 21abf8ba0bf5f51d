using SkiaSharp;
using TransferLearning.ML.Datasets;

namespace TransferLearning.ML.Tests.DatasetReaders;

[TestClass]
public sealed class ImageFolderTests
{
    /// <summary>Writes <paramref name="images"/> as PNG files into one subfolder per class of a new folder.</summary>
    internal static string Write(ImageDataset images, Func<int, bool>? include = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "tlml-tests", "images-" + Guid.NewGuid().ToString("N"));
        for (int i = 0; i < images.Count; i++)
        {
            if (include is not null && !include(images.Labels[i])) continue;
            var folder = Path.Combine(directory, images.ClassNames[images.Labels[i]].Replace('/', '_'));
            Directory.CreateDirectory(folder);
            using var bitmap = new SKBitmap(images.Width, images.Height);
            for (int y = 0; y < images.Height; y++)
                for (int x = 0; x < images.Width; x++)
                {
                    byte v = (byte)Math.Round(images.Images[i][y * images.Width + x] * 255);
                    bitmap.SetPixel(x, y, new SKColor(v, v, v));
                }
            using var file = File.Create(Path.Combine(folder, $"{i:D4}.png"));
            bitmap.Encode(file, SKEncodedImageFormat.Png, 100);
        }
        return directory;
    }

    [TestMethod]
    public void ReadsOneClassPerSubfolderResized()
    {
        var glyphs = HersheyGlyphs.Render(HersheyGlyphs.Read(Path.Combine(AppContext.BaseDirectory, "Data", "hershey", "sample.jhf")), 3, 28, seed: 1);
        var directory = Write(glyphs);
        File.WriteAllText(Path.Combine(directory, "notes.txt"), "not an image folder");
        var same = ImageFolder.Load(directory, 28, 28);
        Assert.AreEqual(24, same.Count);
        CollectionAssert.AreEqual(glyphs.ClassNames.Select(n => n.Replace('/', '_')).OrderBy(n => n, StringComparer.Ordinal).ToArray(), same.ClassNames.ToArray());
        // PNG round trip: 8-bit grey levels.
        int first = same.ClassNames.ToList().IndexOf("sample_0");
        var original = glyphs.Images[0];
        var read = same.Images[same.Labels.ToList().IndexOf(first)];
        Assert.IsTrue(original.Zip(read).All(p => Math.Abs(p.First - p.Second) <= 0.5 / 255 + 1e-6), "pixels survive the PNG round trip");

        var small = ImageFolder.Load(directory, 14, 14, grayscale: false);
        Assert.AreEqual(3 * 14 * 14, small.Length);

        var empty = Path.Combine(Path.GetTempPath(), "tlml-tests", "empty-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(empty, "a"));
        StringAssert.Contains(Assert.Throws<InvalidDataException>(() => ImageFolder.Load(empty, 8, 8)).Message, "has no subfolder with images");
        File.WriteAllText(Path.Combine(empty, "a", "broken.png"), "not a PNG");
        StringAssert.Contains(Assert.Throws<InvalidDataException>(() => ImageFolder.Load(empty, 8, 8)).Message, "broken.png' is not a readable image");
        Assert.Throws<DirectoryNotFoundException>(() => ImageFolder.Load(Path.Combine(empty, "missing"), 8, 8));
    }

    [TestMethod]
    public void TransparentPixelsAreComposedOverWhite()
    {
        var directory = Path.Combine(Path.GetTempPath(), "tlml-tests", "alpha-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(directory, "cut-out"));
        // Left column: fully transparent black (its colour is meaningless); right: half-transparent red; bottom: opaque blue.
        using (var bitmap = new SKBitmap(new SKImageInfo(2, 2, SKColorType.Rgba8888, SKAlphaType.Unpremul)))
        {
            bitmap.SetPixel(0, 0, new SKColor(0, 0, 0, 0));
            bitmap.SetPixel(1, 0, new SKColor(255, 0, 0, 128));
            bitmap.SetPixel(0, 1, new SKColor(0, 0, 255, 255));
            bitmap.SetPixel(1, 1, new SKColor(0, 0, 255, 255));
            using var file = File.Create(Path.Combine(directory, "cut-out", "a.png"));
            bitmap.Encode(file, SKEncodedImageFormat.Png, 100);
        }
        var rgb = ImageFolder.Load(directory, 2, 2, grayscale: false).Images[0];
        float[] red = rgb[0..4], green = rgb[4..8], blue = rgb[8..12];
        Assert.AreEqual(1f, red[0], 1e-6f, "a transparent pixel is white");
        Assert.AreEqual(1f, green[0], 1e-6f);
        Assert.AreEqual(1f, blue[0], 1e-6f);
        Assert.AreEqual(1f, red[1], 0.01f, "half-transparent red over white: full red");
        Assert.AreEqual(127f / 255, green[1], 0.01f, "and half the green and blue of white");
        Assert.AreEqual(0f, red[2], 1e-6f, "opaque pixels keep their colour");
        Assert.AreEqual(1f, blue[2], 1e-6f);
    }
}
