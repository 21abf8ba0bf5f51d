using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.Tests.Metric;

/// <summary>
/// Synthetic few-shot classes whose structure an episodic learner can find and raw distances cannot:
/// each class has a centre in 6 "signal" dimensions (tight rows around it), and 18 nuisance
/// dimensions of wide noise shared by every class. Nearest centroid on the raw rows is dominated by
/// the nuisance; an embedding that learns to drop it transfers to classes it never saw.
/// </summary>
internal static class FewShotBlobs
{
    public const int Length = 24;

    /// <summary><paramref name="classes"/> classes named c{first}.., <paramref name="rows"/> rows each, with a key label.</summary>
    public static IDataView Create(MLContext ml, int first, int classes, int rows, int seed)
    {
        var random = new Random(seed);
        var data = new List<Row>();
        for (int c = first; c < first + classes; c++)
        {
            var centreRandom = new Random(1000 + c);
            var centre = Enumerable.Range(0, 6).Select(_ => (float)(centreRandom.NextDouble() * 6 - 3)).ToArray();
            for (int r = 0; r < rows; r++)
            {
                var features = new float[Length];
                for (int d = 0; d < 6; d++) features[d] = centre[d] + (float)(Gaussian(random) * 0.35);
                for (int d = 6; d < Length; d++) features[d] = (float)(Gaussian(random) * 1.5);
                data.Add(new Row { Label = $"c{c}", Features = features });
            }
        }
        var view = ml.Data.LoadFromEnumerable(data);
        return ml.Transforms.Conversion.MapValueToKey("Label").Fit(view).Transform(view);
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private sealed class Row
    {
        public string Label { get; set; } = "";

        [VectorType(Length)]
        public float[] Features { get; set; } = [];
    }
}
