using System.Diagnostics;
using Microsoft.ML;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Datasets;
using TransferLearning.ML.Metric;
using TransferLearning.ML.Torch.Metric;
using TransferLearning.ML.Torch.Networks;

namespace TransferLearning.ML.Benchmarks;

/// <summary>
/// Issue 10's evidence on the Hershey glyphs (20x20 renderings; classes of 21 training fonts, tested
/// on classes of the 11 held-out fonts, never seen in training): 5-way 1-shot and 5-shot accuracy
/// (the same 300 episodes for every method) of raw pixels, a classifier's features, a triplet
/// embedding, prototypical networks and MAML (second and first order) with nearest centroid or
/// adaptation; Precision@1 and MAP@R of each metric loss and miner on the test classes; training
/// time per episode. One small CNN everywhere (two 3x3 convolution blocks of 32 channels). 3 seeds.
/// Needs eng/fetch-datasets.sh first.
/// </summary>
internal static class FewShotBenchmark
{
    private const int Size = 20, TrainInstances = 10, TestInstances = 20, Episodes = 300;
    private static readonly NetworkSpec Cnn = new()
    {
        InputShape = [1, Size, Size],
        Layers = [new ConvolutionLayerSpec(32, 3) { Padding = 1 }, new ConvolutionLayerSpec(32, 3) { Padding = 1 }],
    };

    public static void Run(bool quick)
    {
        var watch = Stopwatch.StartNew();
        int[] seeds = quick ? [0] : [0, 1, 2];
        // The full run: 3 epochs over the training renderings for the classifier and each embedding, 500
        // prototypical episodes, 400 MAML meta-updates, 300 evaluation episodes (about 10 minutes a seed).
        int epochs = quick ? 2 : 3, protoEpisodes = quick ? 50 : 100, mamlEpisodes = quick ? 37 : 100, evaluation = quick ? 75 : Episodes;
        var glyphs = HersheyGlyphs.Load();
        var fonts = glyphs.Select(g => g.Font).ToArray();
        var trainGlyphs = glyphs.Where(g => !HersheyGlyphs.IsTestFont(g.Font, fonts)).ToArray();
        var testGlyphs = glyphs.Where(g => HersheyGlyphs.IsTestFont(g.Font, fonts)).ToArray();
        Console.WriteLine($"# Few-shot and metric learning on Hershey glyphs{(quick ? " (quick run)" : "")}");
        Console.WriteLine();
        Console.WriteLine($"{glyphs.Count} glyph classes in 32 fonts: {trainGlyphs.Length} classes of {fonts.Distinct().Count(f => !HersheyGlyphs.IsTestFont(f, fonts))} fonts for training " +
            $"({TrainInstances} renderings each), {testGlyphs.Length} classes of the other fonts for testing ({TestInstances} each); {Size}x{Size} pixels; seeds {string.Join(", ", seeds)}; " +
            $"{evaluation} episodes per evaluation, 15 queries per class (5 for 5-shot + 15 = the 20 renderings).");
        Console.WriteLine();

        var fewShot = new Dictionary<string, List<double>>();
        var retrieval = new Dictionary<string, (List<double> P1, List<double> Map)>();
        var timing = new Dictionary<string, List<double>>();
        void Add(Dictionary<string, List<double>> table, string key, double value) => (table.TryGetValue(key, out var list) ? list : table[key] = []).Add(value);

        foreach (int seed in seeds)
        {
            var ml = new MLContext(seed);
            var train = Keyed(ml, HersheyGlyphs.Render(trainGlyphs, TrainInstances, Size, seed));
            var test = Keyed(ml, HersheyGlyphs.Render(testGlyphs, TestInstances, Size, 1000 + seed));
            void Episodic(string method, IDataView data, string column)
            {
                foreach (int shots in new[] { 1, 5 })
                    Add(fewShot, $"{method}|{shots}", ml.TransferLearning().EvaluateFewShot(data, column, ways: 5, shots: shots, queries: 15, episodes: evaluation, seed: seed).Accuracy);
            }

            Episodic("raw pixels, nearest centroid", test, "Features");

            var time = Stopwatch.StartNew();
            using (var classifier = ml.TransferLearning().NetworkClassifier(new NetworkClassifierOptions
            {
                Network = Cnn, Epochs = epochs, BatchSize = 64, Seed = seed, LearnedFeaturesColumnName = "Embedding",
            }).Fit(train))
            {
                Add(timing, "classifier on the training classes (per epoch)", time.Elapsed.TotalSeconds / (epochs));
                Episodic("classifier features (baseline), nearest centroid", classifier.Transform(test), "Embedding");
            }

            foreach (var (name, loss, mining) in new[]
            {
                ("triplet, all triplets", MetricLoss.Triplet, TripletMining.All),
                ("triplet, batch-hard", MetricLoss.Triplet, TripletMining.BatchHard),
                ("triplet, semi-hard", MetricLoss.Triplet, TripletMining.SemiHard),
                ("contrastive (siamese pairs)", MetricLoss.Contrastive, TripletMining.All),
                ("NT-Xent", MetricLoss.NtXent, TripletMining.All),
            })
            {
                time.Restart();
                using var embedding = ml.TransferLearning().MetricEmbedding(new MetricEmbeddingOptions
                {
                    Network = Cnn, EmbeddingSize = 64, Loss = loss, Mining = mining, ClassesPerBatch = 32, RowsPerClass = 4, Epochs = epochs, Seed = seed,
                }).Fit(train);
                Add(timing, $"metric embedding, {name} (per epoch)", time.Elapsed.TotalSeconds / (epochs));
                var embedded = embedding.Transform(test);
                var metrics = ml.TransferLearning().EvaluateRetrieval(embedded);
                var entry = retrieval.TryGetValue(name, out var e) ? e : retrieval[name] = ([], []);
                entry.P1.Add(metrics.PrecisionAt1);
                entry.Map.Add(metrics.MeanAveragePrecisionAtR);
                if (mining == TripletMining.BatchHard) Episodic("triplet embedding (batch-hard), nearest centroid", embedded, "Embedding");
            }
            var rawRetrieval = ml.TransferLearning().EvaluateRetrieval(test, "Features");
            var raw = retrieval.TryGetValue("raw pixels", out var r) ? r : retrieval["raw pixels"] = ([], []);
            raw.P1.Add(rawRetrieval.PrecisionAt1);
            raw.Map.Add(rawRetrieval.MeanAveragePrecisionAtR);

            time.Restart();
            var protoOptions = new PrototypicalNetworkOptions
            {
                Network = Cnn, EmbeddingSize = 64, Ways = 20, Shots = 5, Queries = 5, EpisodesPerEpoch = protoEpisodes, Epochs = 5, Seed = seed,
            };
            using (var proto = ml.TransferLearning().PrototypicalNetwork(protoOptions).Fit(train))
            {
                Add(timing, "prototypical network, 20-way 5-shot episode", time.Elapsed.TotalSeconds / (protoOptions.EpisodesPerEpoch * protoOptions.Epochs));
                Episodic("prototypical network", proto.Transform(test), "Embedding");
            }

            foreach (bool firstOrder in new[] { false, true })
            {
                string name = firstOrder ? "MAML, first order" : "MAML, second order";
                var options = new MamlOptions
                {
                    Network = Cnn, Ways = 5, Shots = 1, Queries = 5, TasksPerBatch = 4, EpisodesPerEpoch = mamlEpisodes, Epochs = 4,
                    InnerLearningRate = 0.1, FirstOrder = firstOrder, Seed = seed,
                };
                time.Restart();
                using var maml = ml.TransferLearning().Maml(options).MetaTrain(train);
                Add(timing, $"{name}, meta-update of 4 five-way 1-shot tasks", time.Elapsed.TotalSeconds / (options.EpisodesPerEpoch * options.Epochs));
                foreach (int shots in new[] { 1, 5 })
                    Add(fewShot, $"{name} (adapted, 3 steps)|{shots}", maml.EvaluateFewShot(test, shots: shots, queries: 15, episodes: evaluation, seed: seed).Accuracy);
            }
            Console.Error.WriteLine($"seed {seed} done at {watch.Elapsed.TotalMinutes:F1} min");
        }

        Console.WriteLine("## 5-way accuracy on classes of unseen fonts (mean ± SD over seeds)");
        Console.WriteLine();
        Console.WriteLine("| method | 1-shot | 5-shot | spread over seeds (1-shot min–max) |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var method in fewShot.Keys.Select(k => k.Split('|')[0]).Distinct())
        {
            var one = fewShot[$"{method}|1"];
            Console.WriteLine($"| {method} | {Statistics.Percent(one)} | {Statistics.Percent(fewShot[$"{method}|5"])} | {one.Min() * 100:F1}–{one.Max() * 100:F1} % |");
        }
        Console.WriteLine();
        Console.WriteLine("## Retrieval on the test classes (leave-one-out over all test renderings)");
        Console.WriteLine();
        Console.WriteLine("| embedding | Precision@1 | MAP@R |");
        Console.WriteLine("|---|---|---|");
        foreach (var (name, (p1, map)) in retrieval) Console.WriteLine($"| {name} | {Statistics.Percent(p1)} | {Statistics.Percent(map)} |");
        Console.WriteLine();
        Console.WriteLine("## Training time (seconds, mean over seeds, 2-core CPU)");
        Console.WriteLine();
        Console.WriteLine("| what | seconds |");
        Console.WriteLine("|---|---|");
        foreach (var (name, values) in timing) Console.WriteLine($"| {name} | {values.Average():F3} |");
        Console.WriteLine();
        Console.WriteLine($"Total {watch.Elapsed.TotalMinutes:F1} min.");
    }

    private static IDataView Keyed(MLContext ml, ImageDataset data) =>
        ml.Transforms.Conversion.MapValueToKey("Label").Fit(data.ToDataView(ml)).Transform(data.ToDataView(ml));
}
