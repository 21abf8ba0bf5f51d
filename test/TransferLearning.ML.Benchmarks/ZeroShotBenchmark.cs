using System.Diagnostics;
using Microsoft.ML;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Datasets;
using TransferLearning.ML.Embeddings;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.ZeroShot;

namespace TransferLearning.ML.Benchmarks;

/// <summary>
/// Issue 5's evidence: Fashion-MNIST with Pullover, Sandal and Shirt held out as unseen classes,
/// training on the other 7 (3000 training images each); class descriptions from MiniLM name
/// embeddings and from WordNet hypernym indicators. Zero-shot top-1 and hit@2 on the 3000 test
/// images of the unseen classes (chance 33.3 % and 66.7 %), and generalised zero-shot seen / unseen
/// per-class accuracy and their harmonic mean on all 10000 test images; 3 seeds.
/// </summary>
internal static class ZeroShotBenchmark
{
    private static readonly int[] Seeds = [0, 1, 2];
    private static readonly string[] Unseen = ["Pullover", "Sandal", "Shirt"];
    private const int Epochs = 5, PerClass = 3000, CalibrationSplits = 3;

    // WordNet lemmas for names that are not lemmas; MiniLM embeds the name itself.
    private static readonly Dictionary<string, string> Lemmas = new() { ["T-shirt/top"] = "t-shirt", ["Ankle boot"] = "boot" };

    /// <param name="only">Run only the tables whose name contains one of these comma-separated texts (null: all).</param>
    /// <param name="generalizedOnly">Skip the unseen-classes-only mode (its results do not depend on calibration).</param>
    /// <param name="calibratedOnly">In generalised mode, skip the uncalibrated rows (they do not depend on the calibration's settings).</param>
    /// <param name="unseenShare">
    /// Generalised mode only, without the class-split calibration: each uncalibrated model is also
    /// calibrated to an unseen share on the unlabelled test rows (CalibrateToUnseenShare, transductive),
    /// at the uniform prior (3 of 10 classes) and at a prior wrong by 10 points either way.
    /// </param>
    /// <param name="shareTransfer">
    /// Generalised mode, class-split calibration only: each calibrated model is also calibrated to an
    /// unseen share on the unlabelled test rows, the prior (3 of 10) times the over-prediction its class
    /// splits chose (the share of rows their best penalty gave the stand-ins, over the stand-ins' true share).
    /// </param>
    public static void Run(string? only = null, bool generalizedOnly = false, bool calibratedOnly = false, bool unseenShare = false, bool shareTransfer = false)
    {
        if (unseenShare) (generalizedOnly, calibratedOnly) = (true, false);
        if (shareTransfer) (generalizedOnly, calibratedOnly) = (true, true);
        const double prior = 0.3;
        double conseRatio = 1;
        // A model's share: none (as trained), a fixed prior, or the prior times the over-prediction of its class splits.
        double SplitRatio(NetworkTransformer model) => model.TrainingReport?.Metrics.GetValueOrDefault(CalibratedStacking.UnseenShareRatioMetric) ?? conseRatio;
        var shares = unseenShare
            ? new (string Name, Func<NetworkTransformer, double?> Share)[]
                { ("", _ => null), (", unseen share 30 % (the prior)", _ => 0.3), (", unseen share 20 %", _ => 0.2), (", unseen share 40 %", _ => 0.4) }
            : shareTransfer ? [("", _ => null), (", share transferred from the class splits", m => Math.Min(0.95, prior * SplitRatio(m)))] : [("", _ => null)];
        var transferredShares = new Dictionary<string, List<double>>();
        var watch = Stopwatch.StartNew();
        var train = FashionMnist.Load(train: true);
        var test = FashionMnist.Load(train: false);
        var names = FashionMnist.ClassNames.ToArray();
        var seenIndices = Enumerable.Range(0, 10).Where(i => !Unseen.Contains(names[i])).ToArray();
        var unseenIndices = Enumerable.Range(0, 10).Where(i => Unseen.Contains(names[i])).ToArray();
        var seen = seenIndices.Select(i => names[i]).ToArray();
        var miniLm = MiniLmEmbeddings.Create(names, new Dictionary<string, string> { ["T-shirt/top"] = "T-shirt" });
        var tables = new Dictionary<string, ClassDescriptions>
        {
            ["MiniLM names (384-d)"] = miniLm,
            ["MiniLM names, centred"] = miniLm.Centered(),
            ["WordNet hypernyms (binary)"] = WordNetHypernyms.Create(Path.Combine(DatasetCache.Directory!, "wordnet"), names, Lemmas),
        };
        if (only is not null)
            foreach (var name in tables.Keys.Where(k => !only.Split(',').Any(o => k.Contains(o, StringComparison.OrdinalIgnoreCase))).ToArray()) tables.Remove(name);
        Console.WriteLine("Fashion-MNIST zero-shot: unseen = " + string.Join(", ", Unseen) + $"; {PerClass} training images per seen class; LeNet, {Epochs} epochs; 3 seeds");
        foreach (var (name, table) in tables) Console.WriteLine($"- {name}: {table.Length} values per class{(table.IsBinary ? ", binary" : "")}");
        Console.WriteLine();

        var zsl = new Dictionary<string, List<ZeroShotMetrics>>();
        var gzsl = new Dictionary<string, List<ZeroShotMetrics>>();
        foreach (int seed in Seeds)
        {
            var ml = new MLContext(seed);
            var seenTrain = train.WithClasses(seenIndices).SplitPerClass(PerClass, seed).Selected;
            var labelMap = ml.Transforms.Conversion.MapValueToKey("Label").Fit(seenTrain.ToDataView(ml));
            var keyed = ml.Data.Cache(labelMap.Transform(seenTrain.ToDataView(ml)));
            var unseenTest = ml.Data.Cache(test.WithClasses(unseenIndices).ToDataView(ml));
            var allTest = ml.Data.Cache(test.ToDataView(ml));
            var lenet = NetworkSpec.LeNet(1, 28, 28);
            using var classifier = ml.TransferLearning().NetworkClassifier(new NetworkClassifierOptions
            {
                Network = lenet, Epochs = Epochs, Seed = seed, Device = DeviceKind.Cpu, LabelColumnName = "Label",
            }).Fit(keyed);
            // ConSE cannot calibrate itself: its penalty is chosen the way the trained methods choose theirs, on
            // CalibrationSplits classifiers, each trained without 2 of the 7 seen classes (taken in turn from one
            // shuffled order) on 80 % of the others' rows and scored on held-out rows of all 7.
            var shuffle = new Random(seed);
            var order = seen.OrderBy(_ => shuffle.Next()).ToArray();
            var seenAll = train.WithClasses(seenIndices);
            var calibrationSplits = new List<(IDataView HeldScored, string[] PseudoSeen, IDisposable Classifier)>();
            for (int split = 0; split < (unseenShare ? 0 : CalibrationSplits); split++)
            {
                var standIns = Enumerable.Range(2 * split, 2).Select(i => order[i % order.Length]).ToArray();
                var (pseudoTrainRows, heldRows) = (new List<int>(), new List<int>());
                foreach (var group in Enumerable.Range(0, seenAll.Count).GroupBy(i => seenAll.Labels[i]))
                {
                    var rows = group.OrderBy(_ => shuffle.Next()).ToArray();
                    bool standIn = standIns.Contains(seenAll.ClassNames[group.Key]);
                    if (!standIn) pseudoTrainRows.AddRange(rows.Take(PerClass * 4 / 5));
                    heldRows.AddRange(rows.Skip(standIn ? 0 : PerClass * 4 / 5).Take(PerClass / 5));
                }
                var pseudoTrain = seenAll.Subset(pseudoTrainRows);
                var pseudoKeyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(pseudoTrain.ToDataView(ml)).Transform(pseudoTrain.ToDataView(ml));
                var pseudoClassifier = ml.TransferLearning().NetworkClassifier(new NetworkClassifierOptions
                {
                    Network = lenet, Epochs = Epochs, Seed = seed + split, Device = DeviceKind.Cpu, LabelColumnName = "Label",
                }).Fit(pseudoKeyed);
                calibrationSplits.Add((ml.Data.Cache(pseudoClassifier.Transform(seenAll.Subset(heldRows).ToDataView(ml))),
                    seen.Where(c => !standIns.Contains(c)).ToArray(), pseudoClassifier));
            }
            foreach (var (tableName, table) in tables)
            {
                double ConSEPenalty()
                {
                    var splits = calibrationSplits.Select(split =>
                    {
                        using var probe = ml.TransferLearning().ConSE(new ConSEOptions { ClassDescriptions = table, Mode = ZeroShotMode.Generalized }).Fit(split.HeldScored);
                        return ml.TransferLearning().EvaluateZeroShot(probe.Transform(split.HeldScored), "Label", seenClasses: split.PseudoSeen);
                    }).ToArray();
                    double penalty = CalibratedStacking.ChoosePenalty(splits);
                    conseRatio = CalibratedStacking.UnseenShareRatio(splits.Select(m => m.SeenUnseenCurve!).ToArray(), penalty);
                    return penalty;
                }
                foreach (var mode in generalizedOnly ? [ZeroShotMode.Generalized] : new[] { ZeroShotMode.Unseen, ZeroShotMode.Generalized })
                {
                    // In generalised mode each method runs uncalibrated (penalty 0) and calibrated (the trained methods' default).
                    var penalties = mode == ZeroShotMode.Unseen || unseenShare ? new double?[] { 0 } : calibratedOnly ? [null] : [0, null];
                    var methods = penalties.SelectMany(penalty => new (string Method, Func<NetworkTransformer> Fit, bool OnScores)[]
                    {
                        ($"attributes (DAP / nearest){Calibrated(penalty)}", () => ml.TransferLearning().ZeroShotAttributes(new ZeroShotAttributeOptions
                            { ClassDescriptions = table, Network = lenet, Epochs = Epochs, Seed = seed, Mode = mode, Device = DeviceKind.Cpu, SeenClassPenalty = penalty }).Fit(keyed), false),
                        ($"attribute embedding (ranking){Calibrated(penalty)}", () => ml.TransferLearning().AttributeEmbedding(new AttributeEmbeddingOptions
                            { ClassDescriptions = table, Network = lenet, Epochs = Epochs, Seed = seed, Mode = mode, Device = DeviceKind.Cpu, SeenClassPenalty = penalty }).Fit(keyed), false),
                        ($"ConSE (T = 10) on a LeNet classifier{Calibrated(penalty)}", () => ml.TransferLearning().ConSE(new ConSEOptions
                            { ClassDescriptions = table, Mode = mode, SeenClassPenalty = penalty ?? ConSEPenalty() }).Fit(classifier.Transform(allTest)), true),
                    }).ToArray();
                    foreach (var (method, fit, onScores) in methods)
                    {
                        using var trained = fit();
                        var input = mode == ZeroShotMode.Unseen ? unseenTest : allTest;
                        var modelInput = onScores ? classifier.Transform(input) : input;
                        foreach (var (shareName, shareOf) in shares)
                        {
                            // Transductive: the share-matched penalty is chosen on the test rows' features (no labels).
                            double? share = shareOf(trained);
                            if (shareTransfer && share is double transferred) Statistics.Add(transferredShares, $"{method} | {tableName}", transferred);
                            using var calibrated = share is null ? null : ml.TransferLearning().CalibrateToUnseenShare(trained, modelInput, share);
                            var model = calibrated ?? trained;
                            var metrics = ml.TransferLearning().EvaluateZeroShot(model.Transform(modelInput), "Label", k: 2, seenClasses: mode == ZeroShotMode.Generalized ? seen : null);
                            var table2 = mode == ZeroShotMode.Unseen ? zsl : gzsl;
                            string key = $"{method}{shareName} | {tableName}";
                            if (!table2.TryGetValue(key, out var list)) table2[key] = list = [];
                            list.Add(metrics);
                        }
                    }
                }
            }
            foreach (var split in calibrationSplits) split.Classifier.Dispose();
            Console.Error.WriteLine($"  seed {seed} done");
        }

        if (!generalizedOnly)
        {
            Console.WriteLine("## Zero-shot: the 3 unseen classes only (chance: top-1 33.3 %, hit@2 66.7 %)");
            Console.WriteLine();
            Console.WriteLine("| method | descriptions | top-1 (mean ± sd) | hit@2 | mean per-class |");
            Console.WriteLine("|---|---|---|---|---|");
            foreach (var (key, list) in zsl)
                Console.WriteLine($"| {key} | {Format(list, m => m.Top1Accuracy)} | {Format(list, m => m.HitAtK)} | {Format(list, m => m.MeanPerClassAccuracy)} |");
            Console.WriteLine();
        }
        Console.WriteLine("## Generalised zero-shot: all 10 classes are candidates, all 10000 test images");
        Console.WriteLine();
        if (unseenShare)
            Console.WriteLine("Unseen share X %: CalibrateToUnseenShare raised the seen-class penalty of the uncalibrated model until X % of the 10000 unlabelled test rows went to an unseen class " +
                "(transductive, no labels read; the test set is balanced, so 30 % is the true share and 20 / 40 % a prior wrong by 10 points).");
        else Console.WriteLine($"Calibrated: calibrated stacking (Chao et al. 2016), the seen-class penalty chosen without unseen labels: the best harmonic mean averaged over {CalibrationSplits} splits, " +
            "each with 2 seen classes held out from a further training.");
        Console.WriteLine("AUSUC: area under the seen-unseen curve (the same for both rows of a method: a penalty moves along it).");
        Console.WriteLine("Best on the curve: the highest harmonic mean any penalty reaches, chosen with the test labels (an upper bound, not a result).");
        Console.WriteLine();
        Console.WriteLine("| method | descriptions | seen (per-class) | unseen (per-class) | harmonic mean | AUSUC | best H on the curve |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var (key, list) in gzsl.OrderBy(kv => kv.Key.Split(" | ")[1], StringComparer.Ordinal))
            Console.WriteLine($"| {key} | {Format(list, m => m.SeenAccuracy!.Value)} | {Format(list, m => m.UnseenAccuracy!.Value)} | {Format(list, m => m.HarmonicMean!.Value)} | " +
                $"{Format(list, m => m.Ausuc!.Value)} | {Format(list, m => m.BestCalibration!.HarmonicMean)} |");
        Console.WriteLine();
        foreach (var (key, values) in transferredShares)
            Console.WriteLine($"- {key}: transferred unseen share {string.Join(", ", values.Select(v => v.ToString("P1")))} (prior 30 % × the class splits' over-prediction)");
        if (transferredShares.Count > 0) Console.WriteLine();
        Console.WriteLine($"total time {watch.Elapsed.TotalMinutes:F1} min");
    }

    private static string Calibrated(double? penalty) => penalty is null ? ", calibrated" : "";

    private static string Format(List<ZeroShotMetrics> list, Func<ZeroShotMetrics, double> value)
    {
        var values = list.Select(value).ToArray();
        double mean = values.Average();
        double sd = values.Length < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
        return $"{mean:P1} ± {sd:P1}";
    }
}
