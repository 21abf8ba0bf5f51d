using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Datasets;
using TransferLearning.ML.FineTuning;
using TransferLearning.ML.Onnx;
using TransferLearning.ML.Torch.Inference;
using TransferLearning.ML.Torch.Networks;

namespace TransferLearning.ML.Benchmarks;

/// <summary>
/// Issue 12's evidence: the ImageNet ResNet18 imported from ONNX (NuGet
/// Microsoft.ML.DnnImageFeaturizer.ResNet18) on three real image sets: fine-tuned (first 7 of 11
/// layers frozen, the rest at a tenth of the head's rate), its frozen 512 features + ML.NET's L-BFGS
/// maximum entropy, and a LeNet trained from scratch on small images. Fashion-MNIST (28x28) and
/// OpenCV digits (20x20) are resized to 224x224 and repeated over the three colour channels, with
/// 10 and 50 labels per class; the Tux Paint photo stamps (natural colour photographs, 5 classes,
/// 18–64 images each) allow 5 and 10. 3 seeds; training and inference images per second measured in
/// the same runs, and inference speed by rows per forward pass. Needs eng/fetch-datasets.sh first.
/// </summary>
internal static class BackboneBenchmark
{
    private const int Side = 224;

    /// <param name="Name">As the report names it.</param>
    /// <param name="Images">At ResNet18's input size (grey sets are repeated over R, G and B later).</param>
    /// <param name="Small">The same images, in the same order, at the size LeNet trains on.</param>
    /// <param name="Budgets">Labelled images per class.</param>
    /// <param name="TestPerClass">Held-out images per class, or null for every image not in the labelled pool.</param>
    private sealed record ImageSet(string Name, ImageDataset Images, ImageDataset Small, int[] Budgets, int? TestPerClass);

    public static void Run(bool quick)
    {
        var watch = Stopwatch.StartNew();
        int[] seeds = quick ? [0] : [0, 1, 2];
        var fashion = FashionMnist.Load(train: true).Subset(Enumerable.Range(0, 6000));
        var digits = OpenCvDigits.Load();
        var sets = new List<ImageSet>
        {
            new("Tux Paint photo stamps", StampPhotos.Load(Side), StampPhotos.Load(32), [5, 10], null),
            new("Fashion-MNIST", fashion, fashion, [10, 50], 30),
            new("OpenCV digits", digits, digits, [10, 50], 30),
        };
        if (quick) sets.RemoveRange(1, 2);
        var results = new Dictionary<string, List<double>>();
        void Add(string key, double value) => (results.TryGetValue(key, out var list) ? list : results[key] = []).Add(value);
        var ml = new MLContext(0);
        using var backbone = ml.TransferLearning().ImportOnnx(ImageBackbones.ResNet18());
        var blockSweep = BlockSweep(backbone, Colour(ml, fashion.Subset(Enumerable.Range(0, 64))));

        foreach (var set in sets)
            foreach (int seed in seeds)
            {
                int pool = set.Budgets.Max();
                var (labelled, rest) = set.Images.SplitPerClass(pool, seed);
                var test = set.TestPerClass is int perClassTest ? rest.SplitPerClass(perClassTest, seed + 100).Selected : rest;
                var testColour = Colour(ml, test);
                // Frozen features of the test images, once per seed (also the inference throughput: one pass over the rows).
                var inference = Stopwatch.StartNew();
                var testFeatures = ml.Data.LoadFromEnumerable(Features(backbone, testColour), FeatureSchema(set.Images.ClassNames.Count));
                Add($"{set.Name}|inference images/s", test.Count / inference.Elapsed.TotalSeconds);
                foreach (int perClass in set.Budgets)
                {
                    // Split by index so that the small copy gets the same images.
                    var trainIndices = Indices(labelled.SplitPerClass(perClass, seed + 1).Selected, set.Images);
                    var train = set.Images.Subset(trainIndices);
                    string key = $"{set.Name}|{perClass}";
                    var trainColour = Colour(ml, train);

                    var lbfgs = ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("Label", "BackboneFeatures");
                    var trainFeatures = ml.Data.LoadFromEnumerable(Features(backbone, trainColour), FeatureSchema(set.Images.ClassNames.Count));
                    var linear = lbfgs.Fit(trainFeatures);
                    Add($"{key}|frozen ResNet18 features + L-BFGS", ml.MulticlassClassification.Evaluate(linear.Transform(testFeatures)).MacroAccuracy);

                    int epochs = ImageBackbones.FineTuningEpochs(train.Count, 16);
                    // Fixed 5 epochs too where the step floor raises them, to show what the floor is worth on the same split.
                    foreach (int e in epochs == ImageBackbones.DefaultFineTuningEpochs ? [epochs] : new[] { ImageBackbones.DefaultFineTuningEpochs, epochs })
                    {
                        var training = Stopwatch.StartNew();
                        var options = new LayerTransferOptions { FrozenLayers = 7, CopiedLayersLearningRateMultiplier = 0.1, Epochs = e, BatchSize = 16, Seed = seed };
                        using var tuned = ml.TransferLearning().LayerTransfer(backbone, options).Fit(trainColour);
                        Add($"{set.Name}|fine-tuning images/s", train.Count * options.Epochs / training.Elapsed.TotalSeconds);
                        string label = e == epochs ? $"ResNet18 fine-tuned (7 of 11 layers frozen; FineTuningEpochs: {epochs})" : "ResNet18 fine-tuned, 5 epochs only";
                        Add($"{key}|{label}", ml.MulticlassClassification.Evaluate(tuned.Transform(testColour)).MacroAccuracy);
                    }

                    var small = set.Small;
                    var smallTest = small.Subset(Indices(test, set.Images));
                    var scratchOptions = new NetworkClassifierOptions { Network = NetworkSpec.LeNet(small.Channels, small.Height, small.Width), Epochs = 30, Seed = seed };
                    using (var scratch = ml.TransferLearning().NetworkClassifier(scratchOptions).Fit(BenchmarkData.Keyed(ml, small.Subset(trainIndices))))
                        Add($"{key}|LeNet from scratch ({small.Height}x{small.Width}{(small.Channels == 3 ? " RGB" : "")})",
                            ml.MulticlassClassification.Evaluate(scratch.Transform(BenchmarkData.Keyed(ml, smallTest))).MacroAccuracy);
                    Console.Error.WriteLine($"{set.Name}, seed {seed}, {perClass} per class: {watch.Elapsed.TotalMinutes:F1} min");
                }
            }

        Console.WriteLine("# Pretrained ResNet18 (ONNX import) against training from scratch");
        Console.WriteLine();
        Console.WriteLine($"Seeds {string.Join(", ", seeds)}; macro accuracy (the mean of the per-class accuracies; on the balanced test sets it equals plain accuracy), mean ± SD over seeds, then the range.");
        foreach (var set in sets)
            foreach (int perClass in set.Budgets)
            {
                Console.WriteLine();
                string testSize = set.TestPerClass is int t ? $"{t} held-out images per class" : "every image not in the labelled pool";
                Console.WriteLine($"## {set.Name}, {perClass} labels per class ({set.Images.ClassNames.Count} classes; test: {testSize})");
                Console.WriteLine();
                Console.WriteLine("| method | macro accuracy | range |");
                Console.WriteLine("|---|---|---|");
                foreach (var (k, v) in results.Where(kv => kv.Key.StartsWith($"{set.Name}|{perClass}|", StringComparison.Ordinal)))
                    Console.WriteLine($"| {k.Split('|')[2]} | {Statistics.Percent(v)} | {v.Min() * 100:F1}–{v.Max() * 100:F1} % |");
            }
        Console.WriteLine();
        Console.WriteLine("## Throughput on this machine (2 cores), ResNet18 at 224x224");
        Console.WriteLine();
        Console.WriteLine("| set | fine-tuning images/s | inference images/s (Transform) |");
        Console.WriteLine("|---|---|---|");
        foreach (var set in sets)
            Console.WriteLine($"| {set.Name} | {Statistics.Mean(results[$"{set.Name}|fine-tuning images/s"]):F1} | {Statistics.Mean(results[$"{set.Name}|inference images/s"]):F1} |");
        Console.WriteLine();
        Console.WriteLine("## Inference speed by rows per forward pass (64 Fashion-MNIST images at 224x224, ResNet18)");
        Console.WriteLine();
        Console.WriteLine("| rows per pass | images/s |");
        Console.WriteLine("|---|---|");
        foreach (var (rows, speed, isDefault) in blockSweep)
            Console.WriteLine($"| {rows}{(isDefault ? " (default)" : "")} | {speed:F1} |");
        Console.WriteLine();
        Console.WriteLine($"Total {watch.Elapsed.TotalMinutes:F1} min.");
    }

    /// <summary>Where each image of <paramref name="part"/> is in <paramref name="whole"/> (the same arrays, found by reference).</summary>
    private static int[] Indices(ImageDataset part, ImageDataset whole)
    {
        var index = new Dictionary<float[], int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < whole.Count; i++) index[whole.Images[i]] = i;
        return part.Images.Select(image => index[image]).ToArray();
    }

    /// <summary>Images per second of the backbone's forward pass on the same rows, for several rows per pass and the default.</summary>
    private static List<(int Rows, double ImagesPerSecond, bool IsDefault)> BlockSweep(NetworkTransformer backbone, IDataView images)
    {
        var rows = images.GetColumn<float[]>("Features").SelectMany(f => f).ToArray();
        int count = rows.Length / backbone.InputLength;
        using var runner = new ModelRunner(backbone.Network, TorchSharp.torch.CPU, ["features"]);
        int chosen = RowBlocks.For(backbone.InputLength);
        var sweep = new List<(int, double, bool)>();
        foreach (int block in new[] { 1, 2, 4, 8, 16, 32 }.Append(chosen).Distinct().Order())
        {
            // The faster of two passes: the first also pays for allocating this block size's buffers.
            double best = 0;
            for (int repeat = 0; repeat < 2; repeat++)
            {
                var watch = Stopwatch.StartNew();
                runner.PredictAll(rows, count, block);
                best = Math.Max(best, count / watch.Elapsed.TotalSeconds);
            }
            sweep.Add((block, best, block == chosen));
        }
        return sweep;
    }

    /// <summary>The images at 224x224 in [0, 255], grey values repeated over R, G and B: ResNet18's input.</summary>
    private static IDataView Colour(MLContext ml, ImageDataset data)
    {
        var resized = data.Height == Side && data.Width == Side ? data : data.Resize(Side, Side);
        int copies = 3 / resized.Channels;
        var colour = new ImageDataset(3, Side, Side, resized.Images.Select(i => { var c = new float[copies * i.Length]; for (int k = 0; k < copies; k++) for (int p = 0; p < i.Length; p++) c[k * i.Length + p] = i[p] * 255f; return c; }).ToArray(),
            resized.Labels, resized.ClassNames);
        return BenchmarkData.Keyed(ml, colour);
    }

    private static IEnumerable<FeatureRow> Features(NetworkTransformer backbone, IDataView images)
    {
        var scored = backbone.Transform(images);
        var labels = scored.GetColumn<uint>("Label").ToArray();
        var features = scored.GetColumn<float[]>("BackboneFeatures").ToArray();
        return labels.Zip(features, (l, f) => new FeatureRow { Label = l, BackboneFeatures = f }).ToArray();
    }

    private static SchemaDefinition FeatureSchema(int classes)
    {
        var definition = SchemaDefinition.Create(typeof(FeatureRow));
        definition[nameof(FeatureRow.Label)].ColumnType = new KeyDataViewType(typeof(uint), classes);
        definition[nameof(FeatureRow.BackboneFeatures)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, 512);
        return definition;
    }

    private sealed class FeatureRow
    {
        public uint Label { get; set; }

        public float[] BackboneFeatures { get; set; } = [];
    }
}
