using SkiaSharp;

namespace TransferLearning.ML.Datasets;

/// <summary>
/// A folder of folders of images (Model Builder's layout, and Omniglot's once flattened): each
/// subfolder is a class, named by the folder; every PNG, JPEG, BMP, GIF or WebP image in it is a row.
/// </summary>
public static class ImageFolder
{
    private static readonly HashSet<string> Extensions = new(StringComparer.OrdinalIgnoreCase) { ".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp" };

    /// <summary>
    /// Decodes every image, resized (bilinear) to <paramref name="height"/> × <paramref name="width"/>,
    /// as grey-scale (the mean of red, green and blue) or planar RGB, scaled to [0, 1]; transparent
    /// pixels are composed over white. Classes are the subfolders in name order.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">No subfolder holds an image, or a file is not a readable image (naming it).</exception>
    public static ImageDataset Load(string directory, int height, int width, bool grayscale = true)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"Image folder '{directory}' does not exist.");
        if (height < 1 || width < 1) throw new ArgumentOutOfRangeException(nameof(height), $"Images must be at least 1x1 pixels, not {height}x{width}.");
        var classes = Directory.GetDirectories(directory).OrderBy(d => d, StringComparer.Ordinal)
            .Select(d => (Name: Path.GetFileName(d), Files: Directory.GetFiles(d).Where(f => Extensions.Contains(Path.GetExtension(f))).OrderBy(f => f, StringComparer.Ordinal).ToArray()))
            .Where(c => c.Files.Length > 0).ToArray();
        if (classes.Length == 0)
            throw new InvalidDataException($"Image folder '{directory}' has no subfolder with images: it needs one subfolder per class, each holding that class's images.");
        int channels = grayscale ? 1 : 3;
        var images = new List<float[]>();
        var labels = new List<int>();
        for (int c = 0; c < classes.Length; c++)
            foreach (var file in classes[c].Files)
            {
                // Each image is decoded at its own size, then resampled alone.
                var (pixels, h, w) = Read(file, grayscale);
                images.Add(new ImageDataset(channels, h, w, [pixels], [0], [classes[c].Name]).Resize(height, width).Images[0]);
                labels.Add(c);
            }
        return new ImageDataset(channels, height, width, images, labels, classes.Select(c => c.Name).ToArray());
    }

    /// <summary>The image files (or every image in a folder of them, in name order) decoded and resized as <see cref="Load"/> does.</summary>
    /// <exception cref="InvalidDataException">A file is not a readable image, or the folder holds none.</exception>
    public static (string[] Files, float[][] Images) LoadFiles(string fileOrFolder, int height, int width, bool grayscale = true)
    {
        var files = Directory.Exists(fileOrFolder)
            ? Directory.GetFiles(fileOrFolder, "*", SearchOption.AllDirectories).Where(f => Extensions.Contains(Path.GetExtension(f))).OrderBy(f => f, StringComparer.Ordinal).ToArray()
            : File.Exists(fileOrFolder) ? [fileOrFolder] : throw new FileNotFoundException($"Image file or folder '{fileOrFolder}' does not exist.", fileOrFolder);
        if (files.Length == 0) throw new InvalidDataException($"'{fileOrFolder}' holds no PNG, JPEG, BMP, GIF or WebP image.");
        int channels = grayscale ? 1 : 3;
        return (files, files.Select(file =>
        {
            var (pixels, h, w) = Read(file, grayscale);
            return new ImageDataset(channels, h, w, [pixels], [0], ["image"]).Resize(height, width).Images[0];
        }).ToArray());
    }

    private static (float[] Pixels, int Height, int Width) Read(string file, bool grayscale)
    {
        using var bitmap = SKBitmap.Decode(file) ?? throw new InvalidDataException($"'{file}' is not a readable image.");
        int h = bitmap.Height, w = bitmap.Width, plane = h * w;
        var pixels = new float[(grayscale ? 1 : 3) * plane];
        // GetPixel is in both SkiaSharp 2.88 and 3.x.
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                var colour = bitmap.GetPixel(x, y);
                // Transparent pixels are shown over white, as an image viewer shows them: the colour of
                // a fully transparent pixel is undefined (often black), and must not reach the network.
                float alpha = colour.Alpha / 255f, white = 1 - alpha;
                float r = colour.Red / 255f * alpha + white, g = colour.Green / 255f * alpha + white, b = colour.Blue / 255f * alpha + white;
                if (grayscale) pixels[y * w + x] = (r + g + b) / 3;
                else
                {
                    pixels[y * w + x] = r;
                    pixels[plane + y * w + x] = g;
                    pixels[2 * plane + y * w + x] = b;
                }
            }
        return (pixels, h, w);
    }
}
