using SkiaSharp;

namespace TransferLearning.ML.Datasets;

/// <summary>
/// An MNIST-M style target domain (Ganin and Lempitsky 2015): each grey digit blended over a
/// random crop of a colour photo, out = |patch − digit| per channel, so the colours invert under
/// the stroke. The photos come from Debian wallpaper packages (fetched into the cache by
/// eng/fetch-datasets.sh; see <see cref="PhotoSets"/>), downscaled so that a crop shows texture
/// rather than a flat patch.
/// </summary>
public static class MnistMStyle
{
    /// <summary>The photo sets eng/fetch-datasets.sh fetches, by cache folder: each from a different Debian package, so each gives a different target.</summary>
    public static IReadOnlyDictionary<string, string> PhotoSets { get; } = new Dictionary<string, string>
    {
        ["photos"] = "mate-backgrounds nature (12)",
        ["photos-plasma"] = "KDE Plasma wallpaper photographs (11)",
        ["photos-ubuntu"] = "Ubuntu 16.04 wallpaper photographs (11)",
    };

    /// <summary>The photos in the cache's <paramref name="folder"/> (one of <see cref="PhotoSets"/>), each as planar RGB in [0, 1], shorter side <paramref name="shortSide"/> pixels.</summary>
    /// <exception cref="FileNotFoundException">The folder is not in the cache, or holds no JPEG; the message says how to fetch it.</exception>
    public static IReadOnlyList<(float[] Pixels, int Height, int Width)> LoadPhotos(int shortSide = 160, string folder = "photos")
    {
        var directory = DatasetCache.Directory is string cache ? Path.Combine(cache, folder) : null;
        var files = directory is not null && Directory.Exists(directory) ? Directory.GetFiles(directory, "*.jpg").Order(StringComparer.Ordinal).ToArray() : [];
        if (files.Length == 0)
            throw new FileNotFoundException($"No photos in the dataset cache's '{folder}' folder ({directory ?? "no .cache/datasets found"}). Run eng/fetch-datasets.sh first.", folder);
        return files.Select(path => LoadPhoto(path, shortSide)).ToArray();
    }

    /// <summary>
    /// The digits of <paramref name="digits"/> (one channel) as 3-channel MNIST-M style images,
    /// each over a crop of a photo chosen at random by <paramref name="seed"/>.
    /// </summary>
    public static ImageDataset Blend(ImageDataset digits, IReadOnlyList<(float[] Pixels, int Height, int Width)> photos, int seed)
    {
        if (digits.Channels != 1) throw new ArgumentException("MNIST-M style blending takes grey digits.", nameof(digits));
        if (photos.Count == 0) throw new ArgumentException("No photos to blend over.", nameof(photos));
        var random = new Random(seed);
        int h = digits.Height, w = digits.Width;
        var images = new float[digits.Count][];
        for (int i = 0; i < digits.Count; i++)
        {
            var (photo, ph, pw) = photos[random.Next(photos.Count)];
            int top = random.Next(ph - h + 1), left = random.Next(pw - w + 1);
            var image = new float[3 * h * w];
            for (int c = 0; c < 3; c++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        image[(c * h + y) * w + x] = Math.Abs(photo[(c * ph + top + y) * pw + left + x] - digits.Images[i][y * w + x]);
            images[i] = image;
        }
        return new ImageDataset(3, h, w, images, digits.Labels, digits.ClassNames);
    }

    /// <summary>Grey images repeated over three channels, to share an input shape with colour images.</summary>
    public static ImageDataset ToRgb(ImageDataset grey)
    {
        if (grey.Channels != 1) throw new ArgumentException("Expected grey images.", nameof(grey));
        return new ImageDataset(3, grey.Height, grey.Width, grey.Images.Select(i => i.Concat(i).Concat(i).ToArray()).ToArray(), grey.Labels, grey.ClassNames);
    }

    private static (float[] Pixels, int Height, int Width) LoadPhoto(string path, int shortSide)
    {
        using var bitmap = SKBitmap.Decode(path) ?? throw new InvalidDataException($"{path} is not a readable image.");
        int factor = Math.Max(1, Math.Min(bitmap.Width, bitmap.Height) / shortSide);
        int height = bitmap.Height / factor, width = bitmap.Width / factor;
        var colours = bitmap.Pixels;
        var pixels = new float[3 * height * width];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                float r = 0, g = 0, b = 0;
                for (int dy = 0; dy < factor; dy++)
                    for (int dx = 0; dx < factor; dx++)
                    {
                        var colour = colours[(y * factor + dy) * bitmap.Width + x * factor + dx];
                        r += colour.Red;
                        g += colour.Green;
                        b += colour.Blue;
                    }
                float scale = 255f * factor * factor;
                pixels[(0 * height + y) * width + x] = r / scale;
                pixels[(1 * height + y) * width + x] = g / scale;
                pixels[(2 * height + y) * width + x] = b / scale;
            }
        return (pixels, height, width);
    }
}
