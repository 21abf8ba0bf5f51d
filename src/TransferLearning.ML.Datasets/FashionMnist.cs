using System.IO.Compression;

namespace TransferLearning.ML.Datasets;

/// <summary>
/// Fashion-MNIST (Xiao, Rasul and Vollgraf 2017; MIT licence): 60000 training and 10000 test
/// images of 28x28 grey pixels in 10 clothing classes, in the IDX format of Debian's
/// <c>dataset-fashion-mnist</c> package (fetched into the cache by eng/fetch-datasets.sh).
/// </summary>
public static class FashionMnist
{
    /// <summary>The class names, by label.</summary>
    public static readonly IReadOnlyList<string> ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The training (60000) or test (10000) images from the dataset cache.</summary>
    public static ImageDataset Load(bool train) => Read(
        DatasetCache.File($"fashion-mnist/{(train ? "train" : "t10k")}-images-idx3-ubyte.gz"),
        DatasetCache.File($"fashion-mnist/{(train ? "train" : "t10k")}-labels-idx1-ubyte.gz"));

    /// <summary>Reads a gzipped IDX image file and its label file.</summary>
    public static ImageDataset Read(string imagesPath, string labelsPath)
    {
        using var images = new BinaryReader(new GZipStream(File.OpenRead(imagesPath), CompressionMode.Decompress));
        using var labels = new BinaryReader(new GZipStream(File.OpenRead(labelsPath), CompressionMode.Decompress));
        if (BigEndian(images) != 0x803) throw new InvalidDataException($"{imagesPath} is not an IDX image file.");
        if (BigEndian(labels) != 0x801) throw new InvalidDataException($"{labelsPath} is not an IDX label file.");
        int count = BigEndian(images), height = BigEndian(images), width = BigEndian(images);
        if (BigEndian(labels) != count) throw new InvalidDataException("Image and label files hold different counts.");
        var pixels = new List<float[]>(count);
        var classes = new List<int>(count);
        for (int i = 0; i < count; i++)
        {
            var raw = images.ReadBytes(height * width);
            if (raw.Length != height * width) throw new InvalidDataException($"{imagesPath} ends early.");
            pixels.Add(raw.Select(b => b / 255f).ToArray());
            classes.Add(labels.ReadByte());
        }
        return new ImageDataset(1, height, width, pixels, classes, ClassNames);
    }

    private static int BigEndian(BinaryReader reader)
    {
        var bytes = reader.ReadBytes(4);
        if (bytes.Length != 4) throw new InvalidDataException("IDX header ends early.");
        return (bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3];
    }
}
