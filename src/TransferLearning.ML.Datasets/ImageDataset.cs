using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.Datasets;

/// <summary>
/// Labelled images held in memory as planar float pixels in [0, 1] (channel by channel, row by row:
/// the layout ML.NET's ExtractPixels writes), with helpers to split them and hand them to ML.NET.
/// </summary>
public sealed class ImageDataset
{
    /// <summary>Creates a dataset; every image must hold channels x height x width values.</summary>
    public ImageDataset(int channels, int height, int width, IReadOnlyList<float[]> images, IReadOnlyList<int> labels, IReadOnlyList<string> classNames)
    {
        if (images.Count != labels.Count) throw new ArgumentException("One label per image is needed.", nameof(labels));
        if (images.Any(i => i.Length != channels * height * width))
            throw new ArgumentException($"Every image must hold {channels}x{height}x{width} values.", nameof(images));
        Channels = channels;
        Height = height;
        Width = width;
        Images = images;
        Labels = labels;
        ClassNames = classNames;
    }

    /// <summary>Colour channels.</summary>
    public int Channels { get; }

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Values per image.</summary>
    public int Length => Channels * Height * Width;

    /// <summary>The images.</summary>
    public IReadOnlyList<float[]> Images { get; }

    /// <summary>Class index of each image.</summary>
    public IReadOnlyList<int> Labels { get; }

    /// <summary>Name of each class index.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Number of images.</summary>
    public int Count => Images.Count;

    /// <summary>The images at <paramref name="indices"/>.</summary>
    public ImageDataset Subset(IEnumerable<int> indices)
    {
        var chosen = indices.ToArray();
        return new ImageDataset(Channels, Height, Width, chosen.Select(i => Images[i]).ToArray(), chosen.Select(i => Labels[i]).ToArray(), ClassNames);
    }

    /// <summary>
    /// A stratified random split: <paramref name="perClass"/> images of each class (at random, by
    /// <paramref name="seed"/>) go to the first part, the rest to the second.
    /// </summary>
    public (ImageDataset Selected, ImageDataset Remaining) SplitPerClass(int perClass, int seed)
    {
        var random = new Random(seed);
        var selected = new List<int>();
        foreach (var group in Enumerable.Range(0, Count).GroupBy(i => Labels[i]))
            selected.AddRange(group.OrderBy(_ => random.Next()).Take(perClass));
        selected.Sort();
        var chosen = selected.ToHashSet();
        return (Subset(selected), Subset(Enumerable.Range(0, Count).Where(i => !chosen.Contains(i))));
    }

    /// <summary>The images of the given classes only, relabelled 0..k-1 in the order given.</summary>
    public ImageDataset WithClasses(params int[] classes)
    {
        var chosen = Enumerable.Range(0, Count).Where(i => classes.Contains(Labels[i])).ToArray();
        return new ImageDataset(Channels, Height, Width, chosen.Select(i => Images[i]).ToArray(),
            chosen.Select(i => Array.IndexOf(classes, Labels[i])).ToArray(), classes.Select(c => ClassNames[c]).ToArray());
    }

    /// <summary>Every image resampled to <paramref name="height"/> x <paramref name="width"/> by bilinear interpolation (pixel centres aligned).</summary>
    public ImageDataset Resize(int height, int width)
    {
        float[] Resample(float[] image)
        {
            var output = new float[Channels * height * width];
            for (int c = 0; c < Channels; c++)
                for (int y = 0; y < height; y++)
                {
                    double sy = Math.Clamp((y + 0.5) * Height / height - 0.5, 0, Height - 1);
                    int y0 = (int)sy, y1 = Math.Min(y0 + 1, Height - 1);
                    double fy = sy - y0;
                    for (int x = 0; x < width; x++)
                    {
                        double sx = Math.Clamp((x + 0.5) * Width / width - 0.5, 0, Width - 1);
                        int x0 = (int)sx, x1 = Math.Min(x0 + 1, Width - 1);
                        double fx = sx - x0;
                        float At(int yy, int xx) => image[(c * Height + yy) * Width + xx];
                        output[(c * height + y) * width + x] = (float)(
                            (1 - fy) * ((1 - fx) * At(y0, x0) + fx * At(y0, x1)) + fy * ((1 - fx) * At(y1, x0) + fx * At(y1, x1)));
                    }
                }
            return output;
        }

        return new ImageDataset(Channels, height, width, Images.Select(Resample).ToArray(), Labels, ClassNames);
    }

    /// <summary>
    /// An IDataView with a <c>Label</c> text column (the class name) and a <c>Features</c> column:
    /// a known-size vector of <see cref="Length"/> Singles.
    /// </summary>
    public IDataView ToDataView(MLContext mlContext)
    {
        var schema = SchemaDefinition.Create(typeof(ImageRow));
        schema[nameof(ImageRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, Length);
        var rows = Enumerable.Range(0, Count).Select(i => new ImageRow { Label = ClassNames[Labels[i]], Features = Images[i] });
        return mlContext.Data.LoadFromEnumerable(rows.ToArray(), schema);
    }

    /// <summary>One row of <see cref="ToDataView"/>.</summary>
    public sealed class ImageRow
    {
        /// <summary>The class name.</summary>
        public string Label { get; set; } = "";

        /// <summary>The planar pixels.</summary>
        public float[] Features { get; set; } = [];
    }
}
