using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Datasets;
using TransferLearning.ML.FineTuning;
using TransferLearning.ML.Onnx;
using TransferLearning.ML.Torch.Networks;

namespace TransferLearning.ML.Benchmarks;

/// <summary>
/// Issue 12's evidence: the ImageNet ResNet18 imported from ONNX (NuGet
/// Microsoft.ML.DnnImageFeaturizer.ResNet18) on two real image sets, with 10 and 50 labels per
/// class: fine-tuned (first 7 of 11 layers frozen, the rest at a tenth of the head's rate), its
/// frozen 512 features + ML.NET's L-BFGS maximum entropy, and a LeNet trained from scratch on the
/// images at their own size. Fashion-MNIST (28x28) and OpenCV digits (20x20) are resized to
/// 224x224 and repeated over the three colour channels for ResNet18. 3 seeds; training and
/// inference images per second measured in the same runs. Needs eng/fetch-datasets.sh first.
/// </summary>
internal static class BackboneBenchmark
{
    private const int Side = 224;
    private const int TestPerClass = 30;

    public static void Run(bool quick)
    {
        var watch = Stopwatch.StartNew();
        int[] seeds = quick ? [0] : [0, 1, 2];
        int[] budgets = quick ? [10] : [10, 50];
        var sets = new (string Name, ImageDataset Images)[]
        {
            ("Fashion-MNIST", FashionMnist.Load(train: true).Subset(Enumerable.Range(0, 6000))),
            ("OpenCV digits", OpenCvDigits.Load()),
        };
        var results = new Dictionary<string, List<double>>();
        void Add(string key, double value) => (results.TryGetValue(key, out var list) ? list : results[key] = []).Add(value);
        var ml = new MLContext(0);
        using var backbone = ml.TransferLearning().ImportOnnx(ImageBackbones.ResNet18());

        foreach (var (name, images) in sets)
            foreach (int seed in seeds)
            {
                var (pool, rest) = images.SplitPerClass(50, seed);
                var test = rest.SplitPerClass(TestPerClass, seed + 100).Selected;
                var testColour = Colour(ml, test);
                // Frozen features of the test images, once per seed (also the inference throughput).
                var inference = Stopwatch.StartNew();
                var testFeatures = ml.Data.LoadFromEnumerable(Features(ml, backbone, testColour), FeatureSchema(ml));
                Add($"{name}|inference images/s", test.Count / inference.Elapsed.TotalSeconds);
                foreach (int perClass in budgets)
                {
                    var train = pool.SplitPerClass(perClass, seed + 1).Selected;
                    string key = $"{name}|{perClass}";
                    var trainColour = Colour(ml, train);

                    var lbfgs = ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("Label", "BackboneFeatures");
                    var trainFeatures = ml.Data.LoadFromEnumerable(Features(ml, backbone, trainColour), FeatureSchema(ml));
                    var linear = lbfgs.Fit(trainFeatures);
                    Add($"{key}|frozen ResNet18 features + L-BFGS", ml.MulticlassClassification.Evaluate(linear.Transform(testFeatures)).MicroAccuracy);

                    var training = Stopwatch.StartNew();
                    var options = new LayerTransferOptions { FrozenLayers = 7, CopiedLayersLearningRateMultiplier = 0.1, Epochs = 5, BatchSize = 16, Seed = seed };
                    using (var tuned = ml.TransferLearning().LayerTransfer(backbone, options).Fit(trainColour))
                    {
                        Add($"{name}|fine-tuning images/s", train.Count * options.Epochs / training.Elapsed.TotalSeconds);
                        Add($"{key}|ResNet18 fine-tuned (7 of 11 layers frozen)", ml.MulticlassClassification.Evaluate(tuned.Transform(testColour)).MicroAccuracy);
                    }

                    var scratchOptions = new NetworkClassifierOptions { Network = NetworkSpec.LeNet(1, images.Height, images.Width), Epochs = 30, Seed = seed };
                    using (var scratch = ml.TransferLearning().NetworkClassifier(scratchOptions).Fit(BenchmarkData.Keyed(ml, train)))
                        Add($"{key}|LeNet from scratch ({images.Height}x{images.Width})", ml.MulticlassClassification.Evaluate(scratch.Transform(BenchmarkData.Keyed(ml, test))).MicroAccuracy);
                    Console.Error.WriteLine($"{name}, seed {seed}, {perClass} per class: {watch.Elapsed.TotalMinutes:F1} min");
                }
            }

        Console.WriteLine("# Pretrained ResNet18 (ONNX import) against training from scratch");
        Console.WriteLine();
        Console.WriteLine($"Seeds {string.Join(", ", seeds)}; test: {TestPerClass} held-out images per class (300); mean ± SD over seeds, then the range.");
        foreach (var (name, _) in sets)
            foreach (int perClass in budgets)
            {
                Console.WriteLine();
                Console.WriteLine($"## {name}, {perClass} labels per class: test accuracy");
                Console.WriteLine();
                Console.WriteLine("| method | accuracy | range |");
                Console.WriteLine("|---|---|---|");
                foreach (var (k, v) in results.Where(kv => kv.Key.StartsWith($"{name}|{perClass}|", StringComparison.Ordinal)))
                    Console.WriteLine($"| {k.Split('|')[2]} | {Statistics.Percent(v)} | {v.Min() * 100:F1}–{v.Max() * 100:F1} % |");
            }
        Console.WriteLine();
        Console.WriteLine("## Throughput on this machine (2 cores), ResNet18 at 224x224");
        Console.WriteLine();
        Console.WriteLine("| set | fine-tuning images/s | inference images/s |");
        Console.WriteLine("|---|---|---|");
        foreach (var (name, _) in sets)
            Console.WriteLine($"| {name} | {Statistics.Mean(results[$"{name}|fine-tuning images/s"]):F1} | {Statistics.Mean(results[$"{name}|inference images/s"]):F1} |");
        Console.WriteLine();
        Console.WriteLine($"Total {watch.Elapsed.TotalMinutes:F1} min.");
    }


    /// <summary>The images at 224x224, the grey value repeated over R, G and B, in [0, 255]: ResNet18's input.</summary>
    private static IDataView Colour(MLContext ml, ImageDataset data)
    {
        var resized = data.Resize(Side, Side);
        var colour = new ImageDataset(3, Side, Side, resized.Images.Select(i => { var c = new float[3 * i.Length]; for (int k = 0; k < 3; k++) for (int p = 0; p < i.Length; p++) c[k * i.Length + p] = i[p] * 255f; return c; }).ToArray(),
            resized.Labels, resized.ClassNames);
        return BenchmarkData.Keyed(ml, colour);
    }

    private static IEnumerable<FeatureRow> Features(MLContext ml, NetworkTransformer backbone, IDataView images)
    {
        var scored = backbone.Transform(images);
        var labels = scored.GetColumn<uint>("Label").ToArray();
        var features = scored.GetColumn<float[]>("BackboneFeatures").ToArray();
        return labels.Zip(features, (l, f) => new FeatureRow { Label = l, BackboneFeatures = f }).ToArray();
    }

    private static SchemaDefinition FeatureSchema(MLContext ml)
    {
        var definition = SchemaDefinition.Create(typeof(FeatureRow));
        definition[nameof(FeatureRow.Label)].ColumnType = new KeyDataViewType(typeof(uint), 10);
        definition[nameof(FeatureRow.BackboneFeatures)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 512);
        return definition;
    }

    private sealed class FeatureRow
    {
        public uint Label { get; set; }

        public float[] BackboneFeatures { get; set; } = [];
    }
}
