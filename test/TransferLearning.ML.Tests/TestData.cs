using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Datasets;

namespace TransferLearning.ML.Tests;

/// <summary>Small real data for the tests: OpenCV's digits (an MNIST subset), read once.</summary>
internal static class TestData
{
    private static readonly Lazy<ImageDataset> AllDigits = new(OpenCvDigits.Load);
    private static readonly Lazy<(ImageDataset Train, ImageDataset Test)> Split = new(() =>
    {
        var (train, rest) = AllDigits.Value.SplitPerClass(300, seed: 7);
        return (train, rest.SplitPerClass(50, seed: 7).Selected);
    });

    /// <summary>3000 digits, 300 per class.</summary>
    public static ImageDataset DigitsTrain => Split.Value.Train;

    /// <summary>500 other digits, 50 per class.</summary>
    public static ImageDataset DigitsTest => Split.Value.Test;

    /// <summary>A few digits for quick checks (20 per class).</summary>
    public static ImageDataset DigitsSmall => DigitsTrain.SplitPerClass(20, seed: 3).Selected;

    /// <summary>The images as an IDataView with the class name mapped to a key label.</summary>
    public static IDataView Keyed(MLContext ml, ImageDataset data) =>
        ml.Transforms.Conversion.MapValueToKey("Label").Fit(data.ToDataView(ml)).Transform(data.ToDataView(ml));

    /// <summary>A new, empty folder under the temp folder's tlml-tests, named <paramref name="prefix"/>-{guid}.</summary>
    public static string TempDirectory(string prefix)
    {
        var directory = Path.Combine(Path.GetTempPath(), "tlml-tests", $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>Writes grey pixels in [0, 1] (row-major) as a PNG; with <paramref name="tint"/>, as colour: channel c is the grey value times tint[c].</summary>
    public static void WritePng(string path, float[] pixels, int width, int height, float[]? tint = null)
    {
        using var bitmap = new SkiaSharp.SKBitmap(width, height, tint is null ? SkiaSharp.SKColorType.Gray8 : SkiaSharp.SKColorType.Rgba8888, SkiaSharp.SKAlphaType.Opaque);
        byte Channel(float v, int c) => (byte)MathF.Round(Math.Clamp(v * (tint?[c] ?? 1), 0, 1) * 255);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                float v = pixels[y * width + x];
                bitmap.SetPixel(x, y, new SkiaSharp.SKColor(Channel(v, 0), Channel(v, tint is null ? 0 : 1), Channel(v, tint is null ? 0 : 2)));
            }
        using var file = File.Create(path);
        bitmap.Encode(file, SkiaSharp.SKEncodedImageFormat.Png, 100);
    }

    public static string TempFile(string extension)
    {
        var directory = Path.Combine(Path.GetTempPath(), "tlml-tests");
        Directory.CreateDirectory(directory);
        return Path.Combine(directory, $"{Guid.NewGuid():N}{extension}");
    }

    /// <summary>SchemaShape.Create is internal in ML.NET; estimators' GetOutputSchema needs one.</summary>
    public static SchemaShape Shape(DataViewSchema schema) => (SchemaShape)typeof(SchemaShape)
        .GetMethod("Create", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
        .Invoke(null, [schema])!;

    public static float[][] Scores(MLContext ml, IDataView scored, string column = "Score") =>
        scored.GetColumn<float[]>(column).ToArray();

    /// <summary>A value the build wrote into this assembly (see the test project file).</summary>
    public static string BuildValue(string key) => typeof(TestData).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
        .Cast<System.Reflection.AssemblyMetadataAttribute>()
        .Single(a => a.Key == key).Value!;

    /// <summary>Runs <c>dotnet tlml.dll args</c> in a new process and returns its exit code and output.</summary>
    public static (int ExitCode, string Output) RunTlml(params string[] args) => RunDotnet(BuildValue("TlmlPath"), args);

    /// <summary>Loads <paramref name="model"/> with a plain Model.Load in a new process (ModelProbe) and scores the rows of <paramref name="rowsCsv"/>.</summary>
    public static (int ExitCode, string Output) RunProbe(string model, string rowsCsv) => RunDotnet(BuildValue("ModelProbePath"), [model, rowsCsv]);

    /// <summary>
    /// Scores <paramref name="rows"/> (the "Features" values) with <paramref name="model"/> in a new
    /// process through ModelProbe and returns, per column the model adds, each row's value as the probe
    /// prints it (floats as hex bit patterns separated by spaces, keys and Booleans as numbers).
    /// </summary>
    public static Dictionary<string, string[]> ProbeColumns(string model, IEnumerable<float[]> rows)
    {
        var csv = TempFile(".csv");
        File.WriteAllLines(csv, rows.Select(r => string.Join(",", r.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))));
        var (exit, output) = RunProbe(model, csv);
        Assert.AreEqual(0, exit, output);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).GroupBy(l => l[0])
            .ToDictionary(g => g.Key, g => g.OrderBy(l => int.Parse(l[1], System.Globalization.CultureInfo.InvariantCulture)).Select(l => l[2]).ToArray());
    }

    private static (int ExitCode, string Output) RunDotnet(string assembly, string[] args)
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(assembly);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(5)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(assembly)} did not finish in 5 minutes.");
        }
        return (process.ExitCode, output.Result + error.Result);
    }
}
