using Microsoft.ML;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Datasets;
using TransferLearning.ML.Torch.Networks;

namespace TransferLearning.ML.Tests.FineTuning;

/// <summary>A source classifier on digits 0-4 and a small target set of digits 5-9, shared by the transfer tests.</summary>
internal static class TransferFixture
{
    /// <summary>Two dense blocks, the first batch-normalised (so that freezing must also keep its statistics).</summary>
    public static readonly NetworkSpec SourceSpec = new() { Layers = [new DenseLayerSpec(64) { BatchNorm = true }, new DenseLayerSpec(32)] };

    private static readonly Lazy<NetworkTransformer> LazySource = new(() =>
    {
        var ml = new MLContext(0);
        var data = TestData.DigitsTrain.WithClasses(0, 1, 2, 3, 4).ToDataView(ml);
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(data).Transform(data);
        return ml.TransferLearning().NetworkClassifier(new NetworkClassifierOptions { Network = SourceSpec, Epochs = 3 }).Fit(keyed);
    });

    /// <summary>Trained on the 1500 training digits 0-4.</summary>
    public static NetworkTransformer Source => LazySource.Value;

    /// <summary>100 digits 5-9 (20 per class), labelled "5".."9".</summary>
    public static ImageDataset Target => TestData.DigitsSmall.WithClasses(5, 6, 7, 8, 9);

    /// <summary>Other digits 5-9 to measure on.</summary>
    public static ImageDataset TargetTest => TestData.DigitsTest.WithClasses(5, 6, 7, 8, 9);

    /// <summary>The rows with a key label; keys follow the class names' order, so that every set gives a class the same key.</summary>
    public static IDataView Keyed(MLContext ml, ImageDataset data)
    {
        var view = data.ToDataView(ml);
        return ml.Transforms.Conversion.MapValueToKey("Label", keyOrdinality: Microsoft.ML.Transforms.ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Fit(view).Transform(view);
    }

    /// <summary>Every tensor of the network's state, by name, copied to arrays.</summary>
    public static Dictionary<string, float[]> State(TransferLearning.ML.Torch.Modules.Network network) =>
        network.state_dict().Where(e => e.Value.dtype == TorchSharp.torch.ScalarType.Float32)
            .ToDictionary(e => e.Key, e => e.Value.cpu().data<float>().ToArray());
}
