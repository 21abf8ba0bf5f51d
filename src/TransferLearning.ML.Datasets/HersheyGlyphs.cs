using System.Globalization;
using SkiaSharp;

namespace TransferLearning.ML.Datasets;

/// <summary>One glyph of a Hershey font: pen strokes, each a list of points (x right, y down, font units).</summary>
/// <param name="Font">The font file's name without extension (e.g. "japanese").</param>
/// <param name="Index">Position of the glyph in its file (0-based).</param>
/// <param name="Strokes">The pen-down polylines.</param>
public sealed record HersheyGlyph(string Font, int Index, IReadOnlyList<(float X, float Y)[]> Strokes)
{
    /// <summary>The class name of the glyph: "font/index".</summary>
    public string Name => $"{Font}/{Index.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// An Omniglot-like few-shot dataset (Lake et al. 2015) made from the Hershey vector fonts (A. V.
/// Hershey, U.S. National Bureau of Standards, 1967; data format by James Hurt, Cognition Inc.),
/// shipped by Debian's <c>hershey-fonts-data</c> (fetched into <c>hershey/</c> of the dataset cache by
/// eng/fetch-datasets.sh): about 3,100 glyphs in 32 fonts — Latin, Greek, Cyrillic, Gothic, script,
/// Japanese, astrology, music, meteorology and mathematical symbols. Every glyph is a class; its
/// images are renderings of its strokes under random small affine distortions, pen jitter and pen
/// widths (as Omniglot's classes are drawings of one character by different people). Fonts play the
/// part of Omniglot's alphabets: <see cref="IsTestFont"/> splits classes by font, so test classes come
/// from fonts never seen in training.
/// </summary>
public static class HersheyGlyphs
{
    /// <summary>Reads every <c>*.jhf</c> font of the dataset cache's <c>hershey/</c> folder.</summary>
    public static IReadOnlyList<HersheyGlyph> Load()
    {
        var directory = Path.GetDirectoryName(DatasetCache.File("hershey/futural.jhf"))!;
        return Directory.GetFiles(directory, "*.jhf").OrderBy(f => f, StringComparer.Ordinal).SelectMany(Read).ToArray();
    }

    /// <summary>
    /// Whether a font is one of the held-out "evaluation" fonts: every third font in name order, from
    /// the first (of Debian's 32: astrology, cyrillic, gothgbt, gothicger, greek, japanese, mathupp,
    /// rowmand, scriptc, timesg, timesr).
    /// </summary>
    /// <param name="font">The font.</param>
    /// <param name="fonts">Every font of the dataset.</param>
    public static bool IsTestFont(string font, IReadOnlyList<string> fonts)
    {
        var ordered = fonts.Distinct().OrderBy(f => f, StringComparer.Ordinal).ToList();
        int index = ordered.IndexOf(font);
        if (index < 0) throw new ArgumentException($"Font '{font}' is not among the {ordered.Count} fonts.", nameof(font));
        return index % 3 == 0;
    }

    /// <summary>
    /// Reads one Hershey font in the <c>.jhf</c> format: per glyph a 5-character number, a 3-character
    /// vertex count, then the vertices as pairs of characters (value = character − 'R'); the first pair
    /// is the left and right margin, and " R" lifts the pen. A glyph may continue on the next lines.
    /// Glyphs without a stroke (the space) are left out.
    /// </summary>
    /// <exception cref="InvalidDataException">A line is not a glyph, naming the file and line.</exception>
    public static IReadOnlyList<HersheyGlyph> Read(string path)
    {
        var font = Path.GetFileNameWithoutExtension(path);
        var lines = File.ReadAllLines(path);
        var glyphs = new List<HersheyGlyph>();
        int index = 0;
        for (int i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Trim().Length == 0) continue;
            int first = i + 1;
            if (line.Length < 10 || !int.TryParse(line.AsSpan(5, 3), NumberStyles.Integer, CultureInfo.InvariantCulture, out int vertices) || vertices < 1)
                throw new InvalidDataException($"{path}, line {first}: expected a glyph (5-character number, 3-character vertex count, vertices), got '{Shorten(line)}'.");
            var data = line[8..];
            while (data.Length < 2 * vertices && i + 1 < lines.Length) data += lines[++i];
            if (data.Length < 2 * vertices)
                throw new InvalidDataException($"{path}, line {first}: the glyph declares {vertices} vertices but holds {data.Length / 2}.");
            var strokes = new List<(float, float)[]>();
            var stroke = new List<(float, float)>();
            for (int v = 1; v < vertices; v++)
            {
                char x = data[2 * v], y = data[2 * v + 1];
                if (x == ' ' && y == 'R')
                {
                    if (stroke.Count > 0) strokes.Add(stroke.ToArray());
                    stroke.Clear();
                }
                else stroke.Add((x - 'R', y - 'R'));
            }
            if (stroke.Count > 0) strokes.Add(stroke.ToArray());
            if (strokes.Count > 0) glyphs.Add(new HersheyGlyph(font, index, strokes));
            index++;
        }
        return glyphs;
    }

    /// <summary>
    /// Renders <paramref name="instances"/> distorted images of every glyph as a dataset (one class per
    /// glyph, in the order given): grey-scale <paramref name="size"/> × <paramref name="size"/> pixels
    /// in [0, 1], ink bright on black. Each instance draws its own rotation (±8°), shear (±0.2),
    /// per-axis scale (0.85–1.1), shift (±1.5 px), pen jitter (0.3 px per vertex) and pen width
    /// (1.2–2.2 px, anti-aliased, round ends) from <paramref name="seed"/> and the glyph.
    /// </summary>
    public static ImageDataset Render(IReadOnlyList<HersheyGlyph> glyphs, int instances, int size = 28, int seed = 0)
    {
        if (instances < 1) throw new ArgumentOutOfRangeException(nameof(instances), instances, "At least one image per glyph is needed.");
        if (size < 8) throw new ArgumentOutOfRangeException(nameof(size), size, "Images must be at least 8 pixels wide.");
        var images = new float[glyphs.Count * instances][];
        var labels = new int[images.Length];
        // Glyphs render independently (each from its own seed), so the result does not depend on the thread count.
        Parallel.For(0, glyphs.Count, g =>
        {
            var random = new Random(unchecked(seed * 1_000_003 + g));
            for (int k = 0; k < instances; k++)
            {
                images[g * instances + k] = RenderOne(glyphs[g], size, random);
                labels[g * instances + k] = g;
            }
        });
        return new ImageDataset(1, size, size, images, labels, glyphs.Select(g => g.Name).ToArray());
    }

    private static float[] RenderOne(HersheyGlyph glyph, int size, Random random)
    {
        var points = glyph.Strokes.SelectMany(s => s).ToArray();
        float minX = points.Min(p => p.X), maxX = points.Max(p => p.X), minY = points.Min(p => p.Y), maxY = points.Max(p => p.Y);
        float extent = Math.Max(Math.Max(maxX - minX, maxY - minY), 1);
        float fit = (size - 6) / extent, centreX = (minX + maxX) / 2, centreY = (minY + maxY) / 2;
        double angle = (random.NextDouble() * 2 - 1) * 8 * Math.PI / 180, shear = (random.NextDouble() * 2 - 1) * 0.2;
        double scaleX = 0.85 + random.NextDouble() * 0.25, scaleY = 0.85 + random.NextDouble() * 0.25;
        double shiftX = (random.NextDouble() * 2 - 1) * 1.5, shiftY = (random.NextDouble() * 2 - 1) * 1.5;
        float width = (float)(1.2 + random.NextDouble());
        double cos = Math.Cos(angle), sin = Math.Sin(angle);

        using var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Gray8, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        using (var pen = new SKPaint { Color = SKColors.White, IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = width, StrokeCap = SKStrokeCap.Round, StrokeJoin = SKStrokeJoin.Round })
        using (var path = new SKPath())
        {
            canvas.Clear(SKColors.Black);
            foreach (var stroke in glyph.Strokes)
            {
                for (int i = 0; i < stroke.Length; i++)
                {
                    double x = (stroke[i].X - centreX) * fit * scaleX, y = (stroke[i].Y - centreY) * fit * scaleY;
                    x += shear * y;
                    double px = cos * x - sin * y + size / 2.0 + shiftX + Gaussian(random) * 0.3;
                    double py = sin * x + cos * y + size / 2.0 + shiftY + Gaussian(random) * 0.3;
                    if (i == 0) path.MoveTo((float)px, (float)py);
                    else path.LineTo((float)px, (float)py);
                }
                // A one-point stroke is a dot: a zero-length segment drawn with round ends.
                if (stroke.Length == 1) path.RLineTo(0.01f, 0);
            }
            canvas.DrawPath(path, pen);
        }
        // GetPixel is in both SkiaSharp 2.88 and 3.x (processes that plot load 3.x); GetPixelSpan is not.
        var image = new float[size * size];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++) image[y * size + x] = bitmap.GetPixel(x, y).Red / 255f;
        return image;
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static string Shorten(string line) => line.Length <= 40 ? line : line[..40] + "...";
}
