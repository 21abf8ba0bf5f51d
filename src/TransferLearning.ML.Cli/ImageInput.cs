using System.Text.Json;

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

    /// <summary>The images of <paramref name="fileOrFolder"/> as rows of the model's Features column.</summary>
    public (string[] Files, float[][] Rows) Read(string fileOrFolder)
    {
        var (files, images) = Datasets.ImageFolder.LoadFiles(fileOrFolder, Height, Width, grayscale: Channels == 1);
        return (files, Scale(images));
    }

    /// <summary>Decoded images (values in [0, 1]) at the model's pixel scale.</summary>
    public float[][] Scale(IEnumerable<float[]> images) => images.Select(i => i.Select(v => v * PixelScale).ToArray()).ToArray();
}
