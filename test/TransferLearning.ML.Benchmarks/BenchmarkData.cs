using Microsoft.ML;
using TransferLearning.ML.Datasets;

namespace TransferLearning.ML.Benchmarks;

/// <summary>Data preparation the benchmarks share.</summary>
internal static class BenchmarkData
{
    /// <summary>The images with Label keyed by value, so that rows keyed apart (training, test) share one class order.</summary>
    public static IDataView Keyed(MLContext ml, ImageDataset data) =>
        ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Fit(data.ToDataView(ml)).Transform(data.ToDataView(ml));
}
