using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.Tests.Onnx;

/// <summary>Real images in ResNet18's input layout: OpenCV digits resized to 224x224, tinted per channel, RGB values in [0, 255], planar.</summary>
internal static class ResNetImages
{
    private const int Side = 224;

    /// <summary><paramref name="count"/> images of digits 0 and 1 alternately.</summary>
    public static float[][] Rows(int count) => Images(count).Select(i => i.Pixels).ToArray();

    /// <summary><paramref name="count"/> images with their digit (0 or 1) as a key Label.</summary>
    public static IDataView Labelled(MLContext ml, int count)
    {
        var rows = Images(count).Select(i => new Row { Label = i.Label, Features = i.Pixels }).ToArray();
        var definition = SchemaDefinition.Create(typeof(Row));
        definition[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 3 * Side * Side);
        var view = ml.Data.LoadFromEnumerable(rows, definition);
        return ml.Transforms.Conversion.MapValueToKey("Label").Fit(view).Transform(view);
    }

    private static IEnumerable<(string Label, float[] Pixels)> Images(int count)
    {
        var digits = TestData.DigitsTrain;
        var chosen = Enumerable.Range(0, count).Select(i => Enumerable.Range(0, digits.Count).Where(j => digits.Labels[j] == i % 2).Skip(i / 2).First()).ToArray();
        var resized = digits.Subset(chosen).Resize(Side, Side);
        for (int i = 0; i < count; i++)
        {
            var grey = resized.Images[i];
            var pixels = new float[3 * Side * Side];
            for (int c = 0; c < 3; c++)
                for (int p = 0; p < Side * Side; p++)
                    pixels[c * Side * Side + p] = 255f * (0.2f + 0.8f * grey[p] * (0.6f + 0.2f * c));
            yield return (resized.ClassNames[resized.Labels[i]], pixels);
        }
    }

    private sealed class Row
    {
        public string Label { get; set; } = "";

        public float[] Features { get; set; } = [];
    }
}
