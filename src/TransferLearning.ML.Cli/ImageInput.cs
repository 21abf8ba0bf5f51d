using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.Cli;

/// <summary>
/// How a model trained by <c>tlml images</c> reads an image: size, colour and pixel scale. Written
/// next to the model (<c>model.images.json</c>) so that <c>tlml predict --images</c> prepares new
/// images exactly as the training images were.
/// </summary>
internal sealed record ImageInput(int Height, int Width, int Channels, float PixelScale)
{
    /// <summary>The sidecar's path for the model at <paramref name="modelPath"/>.</summary>
    public static string PathFor(string modelPath) => Path.ChangeExtension(modelPath, ".images.json");

    public void Save(string modelPath) => File.WriteAllText(PathFor(modelPath), JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));

    /// <exception cref="FileNotFoundException">The model has no image sidecar (it was not trained by tlml images).</exception>
    public static ImageInput Load(string modelPath)
    {
        string path = PathFor(modelPath);
        if (!File.Exists(path))
            throw new FileNotFoundException($"--images needs '{path}', which tlml images writes next to its model; this model reads a CSV (use --data).", path);
        return JsonSerializer.Deserialize<ImageInput>(File.ReadAllText(path)) ?? throw new InvalidDataException($"'{path}' is empty.");
    }

    /// <summary>Column names a CSV of image paths may use for the paths, in order of preference (case-insensitive).</summary>
    public static readonly string[] PathColumns = ["ImagePath", "Path", "File", "Image"];

    /// <summary>
    /// The images of <paramref name="source"/> — an image file, a folder of images, or a CSV file
    /// listing image paths (Model Builder's layout; relative paths are relative to the CSV's folder) —
    /// as rows of the model's Features column.
    /// </summary>
    /// <exception cref="ArgumentException">A CSV names no path column.</exception>
    /// <exception cref="FileNotFoundException">An image is missing (named).</exception>
    public (string[] Files, float[][] Rows) Read(string source)
    {
        if (File.Exists(source) && Path.GetExtension(source).Equals(".csv", StringComparison.OrdinalIgnoreCase))
        {
            var listed = ListedPaths(source);
            var images = listed.Select(path => File.Exists(path)
                ? Datasets.ImageFolder.LoadFiles(path, Height, Width, grayscale: Channels == 1).Images[0]
                : throw new FileNotFoundException($"'{Path.GetFileName(source)}' lists '{path}', which is not an image file.", path)).ToArray();
            return (listed, Scale(images));
        }
        var (files, found) = Datasets.ImageFolder.LoadFiles(source, Height, Width, grayscale: Channels == 1);
        return (files, Scale(found));
    }

    /// <summary>The image paths of a CSV's path column, resolved against the CSV's folder.</summary>
    private static string[] ListedPaths(string csv)
    {
        var header = CsvData.Header(csv);
        int column = header.Length == 1 ? 0
            : PathColumns.Select(name => Array.FindIndex(header, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase))).FirstOrDefault(i => i >= 0, -1);
        if (column < 0)
            throw new ArgumentException($"'{Path.GetFileName(csv)}' lists no image paths: name its path column one of {string.Join(", ", PathColumns)} " +
                $"(its columns: {string.Join(", ", header.Take(5))}{(header.Length > 5 ? ", …" : "")}).");
        var view = new MLContext().Data.LoadFromTextFile(csv, [new TextLoader.Column("Path", DataKind.String, column)],
            separatorChar: ',', hasHeader: true, allowQuoting: true);
        string folder = Path.GetDirectoryName(Path.GetFullPath(csv))!;
        return view.GetColumn<string>("Path")
            .Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => Path.GetFullPath(p.Trim(), folder)).ToArray();
    }

    /// <summary>Decoded images (values in [0, 1]) at the model's pixel scale.</summary>
    public float[][] Scale(IEnumerable<float[]> images) => images.Select(i => i.Select(v => v * PixelScale).ToArray()).ToArray();
}
