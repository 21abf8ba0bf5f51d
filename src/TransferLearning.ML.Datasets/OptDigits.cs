using System.Globalization;
using System.IO.Compression;

namespace TransferLearning.ML.Datasets;

/// <summary>
/// UCI optical recognition of handwritten digits, the 1797-image test part scikit-learn ships
/// (Alpaydin and Kaynak 1998; CC BY 4.0): 8x8 images with pixel counts 0-16, from Debian's
/// <c>python3-sklearn</c> package (<c>sklearn/datasets/data/digits.csv.gz</c>, fetched into the
/// cache by eng/fetch-datasets.sh).
/// </summary>
public static class OptDigits
{
    /// <summary>The 1797 digits from the dataset cache, pixels scaled to [0, 1].</summary>
    public static ImageDataset Load() => Read(DatasetCache.File("optdigits/digits.csv.gz"));

    /// <summary>Reads scikit-learn's digits.csv.gz: 64 pixel counts then the label on each line.</summary>
    public static ImageDataset Read(string path)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(path), CompressionMode.Decompress));
        var images = new List<float[]>();
        var labels = new List<int>();
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (line.Length == 0) continue;
            var values = line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
            if (values.Length != 65) throw new InvalidDataException($"{path}: expected 65 values a line, got {values.Length}.");
            images.Add(values[..64].Select(v => v / 16f).ToArray());
            labels.Add((int)values[64]);
        }
        return new ImageDataset(1, 8, 8, images, labels, Enumerable.Range(0, 10).Select(d => d.ToString(CultureInfo.InvariantCulture)).ToArray());
    }
}
