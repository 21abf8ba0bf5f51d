using System.Reflection;
using SkiaSharp;

namespace TransferLearning.ML.Datasets;

/// <summary>
/// OpenCV's <c>digits.png</c>: 5000 handwritten digits of 20x20 pixels (an MNIST subset), 500 per
/// class, bundled in this assembly (see Data/README.md for its origin and licence).
/// </summary>
public static class OpenCvDigits
{
    private const int Cell = 20, Rows = 50, Columns = 100, RowsPerClass = 5;

    /// <summary>Reads the bundled image.</summary>
    public static ImageDataset Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("digits.png")
            ?? throw new InvalidOperationException("The bundled digits.png resource is missing.");
        return Read(stream);
    }

    /// <summary>Reads a digits.png laid out as OpenCV's (50 x 100 cells of 20 x 20 pixels).</summary>
    public static ImageDataset Read(Stream png)
    {
        using var image = SKBitmap.Decode(png) ?? throw new InvalidDataException("digits.png is not a readable image.");
        if (image.Width != Columns * Cell || image.Height != Rows * Cell)
            throw new InvalidDataException($"digits.png must be {Columns * Cell}x{Rows * Cell} pixels, is {image.Width}x{image.Height}.");
        var images = new List<float[]>(Rows * Columns);
        var labels = new List<int>(Rows * Columns);
        for (int row = 0; row < Rows; row++)
        {
            for (int column = 0; column < Columns; column++)
            {
                var digit = new float[Cell * Cell];
                for (int y = 0; y < Cell; y++)
                    for (int x = 0; x < Cell; x++)
                        digit[y * Cell + x] = image.GetPixel(column * Cell + x, row * Cell + y).Red / 255f; // grey: any channel
                images.Add(digit);
                labels.Add(row / RowsPerClass);
            }
        }
        return new ImageDataset(1, Cell, Cell, images, labels, Enumerable.Range(0, 10).Select(d => d.ToString()).ToArray());
    }
}
