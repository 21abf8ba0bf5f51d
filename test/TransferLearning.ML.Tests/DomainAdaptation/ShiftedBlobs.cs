using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.Tests.DomainAdaptation;

/// <summary>
/// A small synthetic domain shift: two classes separated along features 0 and 1, two noise
/// features, and feature 4 that only encodes the domain (+3 on the source, −3 on the target).
/// </summary>
internal static class ShiftedBlobs
{
    public const int DomainFeature = 4;

    public sealed class Row
    {
        public string? Label { get; set; }

        [VectorType(5)]
        public float[] Features { get; set; } = [];
    }

    public static Row[] Make(int count, bool target, int seed)
    {
        var random = new Random(seed);
        double Gaussian() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return Enumerable.Range(0, count).Select(i =>
        {
            int label = i % 2;
            double centre = label == 0 ? -1 : 1;
            return new Row
            {
                Label = label == 0 ? "a" : "b",
                Features =
                [
                    (float)(centre + 0.8 * Gaussian()), (float)(centre + 0.8 * Gaussian()), (float)Gaussian(), (float)Gaussian(),
                    (float)((target ? -3 : 3) + 0.3 * Gaussian()),
                ],
            };
        }).ToArray();
    }

    /// <summary>Source and target in one view (target labels dropped), label keyed "a" = 1, "b" = 2.</summary>
    public static IDataView Combined(MLContext ml, int count = 400, int seed = 1)
    {
        var source = ml.Data.LoadFromEnumerable(Make(count, false, seed));
        var target = ml.Data.LoadFromEnumerable(Make(count, true, seed + 100).Select(r => new Unlabelled { Features = r.Features }).ToArray());
        var combined = ml.TransferLearning().CombineDomains(source, target);
        return ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Fit(combined).Transform(combined);
    }

    /// <summary>Labelled target rows to measure on, keyed like <see cref="Combined"/>.</summary>
    public static IDataView TargetTest(MLContext ml, int count = 400, int seed = 7)
    {
        var target = ml.Data.LoadFromEnumerable(Make(count, true, seed));
        return ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Fit(target).Transform(target);
    }

    public sealed class Unlabelled
    {
        [VectorType(5)]
        public float[] Features { get; set; } = [];
    }
}
