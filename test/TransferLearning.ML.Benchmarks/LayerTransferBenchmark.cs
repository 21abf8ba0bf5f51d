using System.Diagnostics;
using Microsoft.ML;
using TransferLearning.ML.Torch.Transfer;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Datasets;
using TransferLearning.ML.FineTuning;
using TransferLearning.ML.Plotting;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Benchmarks;

/// <summary>
/// Issue 3's evidence on real data, mean and sd over 3 seeds (each seed retrains the source and
/// draws a new labelled target subset):
/// (1) Fashion-MNIST classes 0-4 (all 30000 training rows) as source, classes 5-9 with 50 labelled
///     rows per class as target, tested on all 5000 target test rows;
/// (2) OpenCV's MNIST digits (5000, 20x20) as source, UCI optdigits with 10 labelled rows per class
///     as target, tested on the other optdigits; optdigits' 8x8 images are resampled to 20x20
///     (bilinear) so that the source's input blocks apply;
/// (3) the transferability sweep of case 1, plotted. Case 1b repeats case 1 with 10 labels per class.
/// Needs eng/fetch-datasets.sh first.
/// </summary>
internal static class LayerTransferBenchmark
{
    private static readonly int[] Seeds = [0, 1, 2];
    private const int TargetEpochs = 40, FineTuneEpochs = 20, TargetBatch = 32;

    public static void Run(string plotPath)
    {
        var watch = Stopwatch.StartNew();
        var fashionTrain = FashionMnist.Load(train: true);
        var fashionTest = FashionMnist.Load(train: false);
        Case("Case 1: Fashion-MNIST 0-4 -> 5-9, 50 labelled rows per target class",
            NetworkSpec.LeNet(1, 28, 28), sourceEpochs: 3,
            fashionTrain.WithClasses(0, 1, 2, 3, 4),
            seed => fashionTrain.WithClasses(5, 6, 7, 8, 9).SplitPerClass(50, seed).Selected,
            _ => fashionTest.WithClasses(5, 6, 7, 8, 9));

        // The same pair with five times fewer labels: where target data are scarcer, transfer matters more.
        Case("Case 1b: Fashion-MNIST 0-4 -> 5-9, 10 labelled rows per target class",
            NetworkSpec.LeNet(1, 28, 28), sourceEpochs: 3,
            fashionTrain.WithClasses(0, 1, 2, 3, 4),
            seed => fashionTrain.WithClasses(5, 6, 7, 8, 9).SplitPerClass(10, seed).Selected,
            _ => fashionTest.WithClasses(5, 6, 7, 8, 9));

        var optdigits = OptDigits.Load().Resize(20, 20);
        Case("Case 2: OpenCV digits (20x20) -> UCI optdigits (8x8 resampled to 20x20), 10 labelled rows per class",
            NetworkSpec.LeNet(1, 20, 20), sourceEpochs: 5,
            OpenCvDigits.Load(),
            seed => optdigits.SplitPerClass(10, seed).Selected,
            seed => optdigits.SplitPerClass(10, seed).Remaining);

        Sweep(fashionTrain, fashionTest, plotPath);
        Console.WriteLine($"total time {watch.Elapsed.TotalMinutes:F1} min");
    }

    private static void Case(string title, NetworkSpec spec, int sourceEpochs, ImageDataset source,
        Func<int, ImageDataset> target, Func<int, ImageDataset> test)
    {
        Console.WriteLine($"## {title}");
        Console.WriteLine();
        var results = new Dictionary<string, List<double>>();
        foreach (int seed in Seeds)
        {
            var ml = new MLContext(seed);
            using var sourceModel = TrainSource(ml, spec, sourceEpochs, source, seed);
            var (train, evaluation) = Keyed(ml, target(seed), test(seed));
            foreach (var (method, options) in Methods(spec.Layers.Count, seed))
            {
                using var model = ml.TransferLearning().LayerTransfer(sourceModel, options).Fit(train);
                double accuracy = ml.MulticlassClassification.Evaluate(model.Transform(evaluation)).MicroAccuracy;
                if (!results.TryGetValue(method, out var list)) results[method] = list = [];
                list.Add(accuracy);
            }
            Console.Error.WriteLine($"  seed {seed} done");
        }
        Console.WriteLine($"source: {source.Count} rows, {spec.Layers.Count} blocks, {sourceEpochs} epochs; target: {target(0).Count} training rows, " +
                          $"{test(0).Count} test rows; {TargetEpochs} target epochs (+{FineTuneEpochs} fine-tuning), Adam 1e-3, batch {TargetBatch}");
        Console.WriteLine();
        Console.WriteLine("| method | target test accuracy (mean ± sd, 3 seeds) | per seed |");
        Console.WriteLine("|---|---|---|");
        foreach (var (method, accuracies) in results)
            Console.WriteLine($"| {method} | {Statistics.Mean(accuracies):P2} ± {Statistics.Sd(accuracies):P2} | {string.Join(", ", accuracies.Select(a => a.ToString("P1")))} |");
        Console.WriteLine();
    }

    private static IEnumerable<(string Name, LayerTransferOptions Options)> Methods(int blocks, int seed)
    {
        LayerTransferOptions Options(Action<LayerTransferOptions> set)
        {
            var options = new LayerTransferOptions { Epochs = TargetEpochs, BatchSize = TargetBatch, Seed = seed, Device = DeviceKind.Cpu };
            set(options);
            return options;
        }

        yield return ("target only (nothing copied)", Options(o => o.CopiedLayers = 0));
        for (int n = 1; n <= blocks; n++)
        {
            int copied = n;
            yield return ($"frozen transfer of {n} block(s)", Options(o => o.CopiedLayers = copied));
        }
        yield return ("transfer (all frozen), then fine-tune all", Options(o => o.FineTuneEpochs = FineTuneEpochs));
        yield return ("fine-tuning (all copied, none frozen)", Options(o => o.FreezeCopiedLayers = false));
        yield return ("L2-SP (alpha 0.1, beta 0.01: the paper's)", Options(o => { o.FreezeCopiedLayers = false; o.L2Sp = new L2SpOptions(); }));
        yield return ("L2-SP (alpha 0.01, beta 0.01)", Options(o => { o.FreezeCopiedLayers = false; o.L2Sp = new L2SpOptions { Alpha = 0.01 }; }));
        yield return ("distillation (KL, T 2, weight 1)", Options(o => { o.FreezeCopiedLayers = false; o.Distillation = new DistillationOptions(); }));
    }

    private static void Sweep(ImageDataset fashionTrain, ImageDataset fashionTest, string plotPath)
    {
        Console.WriteLine("## Case 3: transferability sweep of case 1 (source seed 0, target subset of seed 0, 3 training seeds)");
        Console.WriteLine();
        var ml = new MLContext(0);
        using var source = TrainSource(ml, NetworkSpec.LeNet(1, 28, 28), 3, fashionTrain.WithClasses(0, 1, 2, 3, 4), 0);
        var (train, test) = Keyed(ml, fashionTrain.WithClasses(5, 6, 7, 8, 9).SplitPerClass(50, 0).Selected, fashionTest.WithClasses(5, 6, 7, 8, 9));
        var table = ml.TransferLearning().TransferabilitySweep(source, train, test,
            new LayerTransferOptions { Epochs = TargetEpochs, BatchSize = TargetBatch, Device = DeviceKind.Cpu }, Seeds);
        Console.WriteLine(table.ToMarkdown());
        TransferabilityPlot.Save(table, plotPath, "Fashion-MNIST 0-4 -> 5-9 (50 labels per class), LeNet");
        File.WriteAllText(Path.ChangeExtension(plotPath, ".csv"), table.ToCsv());
        Console.WriteLine($"plot: {plotPath}");
        Console.WriteLine();
    }

    private static NetworkTransformer TrainSource(MLContext ml, NetworkSpec spec, int epochs, ImageDataset source, int seed) =>
        ml.TransferLearning().NetworkClassifier(new NetworkClassifierOptions { Network = spec, Epochs = epochs, Seed = seed, Device = DeviceKind.Cpu })
            .Fit(Keyed(ml, source, source).Train);

    /// <summary>Both sets with one label map, fitted on the training rows, so that a class has the same key in both.</summary>
    private static (IDataView Train, IDataView Test) Keyed(MLContext ml, ImageDataset train, ImageDataset test)
    {
        var trainView = train.ToDataView(ml);
        var map = ml.Transforms.Conversion.MapValueToKey("Label").Fit(trainView);
        return (ml.Data.Cache(map.Transform(trainView)), ml.Data.Cache(map.Transform(test.ToDataView(ml))));
    }
}
