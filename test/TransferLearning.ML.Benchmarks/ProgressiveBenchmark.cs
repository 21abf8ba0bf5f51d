using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Datasets;
using TransferLearning.ML.Progressive;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;

namespace TransferLearning.ML.Benchmarks;

/// <summary>
/// Issue 9's progressive-network evidence: a sequence of three tasks on 20x20 images — OpenCV's
/// MNIST digits (4000 training rows), UCI optdigits (8x8 resampled, 10 labels per class, tested on
/// the other 1697) and Fashion-MNIST (28x28 resampled, 10 labels per class, tested on 2000 test
/// images) — learnt by progressive columns, by a network from scratch on each task's few labels,
/// and by fine-tuning the previous model; then how well each method still does the earlier tasks
/// (fine-tuning measured with the earlier task's head on the fine-tuned layers). LeNet everywhere;
/// 3 seeds. Needs eng/fetch-datasets.sh first.
/// </summary>
internal static class ProgressiveBenchmark
{
    private static readonly int[] Seeds = [0, 1, 2];
    private const int Epochs = 40, Batch = 16, SourceEpochs = 6;
    private static readonly NetworkSpec LeNet = NetworkSpec.LeNet(1, 20, 20);

    public static void Run()
    {
        var watch = Stopwatch.StartNew();
        var (digitsTrain, digitsTest) = OpenCvDigits.Load().SplitPerClass(400, seed: 0);
        var optdigits = OptDigits.Load().Resize(20, 20);
        var fashionTrain = FashionMnist.Load(train: true);
        var fashionTest = FashionMnist.Load(train: false).Subset(Enumerable.Range(0, 2000)).Resize(20, 20);
        var results = new Dictionary<string, List<double>>();
        void Add(string key, double value) => (results.TryGetValue(key, out var list) ? list : results[key] = []).Add(value);
        var parameters = new Dictionary<string, long>();
        bool identical = true;

        foreach (int seed in Seeds)
        {
            var ml = new MLContext(seed);
            var (optTrain, optTest) = optdigits.SplitPerClass(10, seed);
            var fashionFew = fashionTrain.SplitPerClass(10, seed).Selected.Resize(20, 20);
            var a = BenchmarkData.Keyed(ml, digitsTrain);
            var b = BenchmarkData.Keyed(ml, optTrain);
            var c = BenchmarkData.Keyed(ml, fashionFew);
            var aTest = BenchmarkData.Keyed(ml, digitsTest);
            var bTest = BenchmarkData.Keyed(ml, optTest);
            var cTest = BenchmarkData.Keyed(ml, fashionTest);
            double Accuracy(ITransformer model, IDataView test, string task = "") =>
                ml.MulticlassClassification.Evaluate(model.Transform(test), "Label", task.Length == 0 ? "Score" : $"Score.{task}",
                    task.Length == 0 ? "PredictedLabel" : $"PredictedLabel.{task}").MicroAccuracy;
            NetworkClassifierOptions Options(int epochs, int batch) => new() { Network = LeNet, Epochs = epochs, BatchSize = batch, Seed = seed };

            using var source = ml.TransferLearning().NetworkClassifier(Options(SourceEpochs, 64)).Fit(a);
            double aBefore = Accuracy(source, aTest);
            Add("A: digits, source model", aBefore);
            var aScores = source.Transform(aTest).GetColumn<float[]>("Score").ToArray();

            // Progressive columns.
            using var withB = ml.TransferLearning().ProgressiveColumn(source, new ProgressiveColumnOptions { TaskName = "B", Epochs = Epochs, BatchSize = Batch, Seed = seed }).Fit(b);
            using var withC = ml.TransferLearning().ProgressiveColumn(withB, new ProgressiveColumnOptions { TaskName = "C", Epochs = Epochs, BatchSize = Batch, Seed = seed }).Fit(c);
            Add("B: optdigits, progressive column", Accuracy(withB, bTest, "B"));
            Add("C: Fashion-MNIST, progressive column", Accuracy(withC, cTest, "C"));
            Add("A after B and C, progressive", Accuracy(withC, aTest));
            Add("B after C, progressive", Accuracy(withC, bTest, "B"));
            identical &= aScores.Zip(withC.Transform(aTest).GetColumn<float[]>("Score")).All(p => p.First.SequenceEqual(p.Second));
            if (seed == Seeds[0])
            {
                var state = withC.Network.state_dict();
                long Count(params string[] prefixes) => state.Where(kv => prefixes.Any(p => kv.Key.StartsWith(p, StringComparison.Ordinal))).Sum(kv => kv.Value.numel());
                parameters["column 0 (trunk + head A)"] = Count("body.", "heads.label.");
                parameters["column 1 (with laterals) + head B"] = Count("columns.1.", "heads.task1.");
                parameters["column 2 (with laterals) + head C"] = Count("columns.2.", "heads.task2.");
            }

            // From scratch on each task's few labels.
            using (var scratchB = ml.TransferLearning().NetworkClassifier(Options(Epochs, Batch)).Fit(b)) Add("B: optdigits, from scratch", Accuracy(scratchB, bTest));
            using (var scratchC = ml.TransferLearning().NetworkClassifier(Options(Epochs, Batch)).Fit(c)) Add("C: Fashion-MNIST, from scratch", Accuracy(scratchC, cTest));

            // Fine-tuning the previous model, and what it forgets.
            using var fineB = ml.TransferLearning().FineTune(source, epochs: Epochs, seed: seed).Fit(b);
            using var fineC = ml.TransferLearning().FineTune(fineB, epochs: Epochs, seed: seed).Fit(c);
            Add("B: optdigits, fine-tuned from A", Accuracy(fineB, bTest));
            Add("C: Fashion-MNIST, fine-tuned from B", Accuracy(fineC, cTest));
            Add("A after B and C, fine-tuning (A's head on C's layers)", OldHeadAccuracy(source, fineC, digitsTest));
            Add("B after C, fine-tuning (B's head on C's layers)", OldHeadAccuracy(fineB, fineC, optTest));
            Console.Error.WriteLine($"seed {seed} done, {watch.Elapsed.TotalMinutes:F1} min");
        }

        Console.WriteLine("TransferLearning.ML progressive networks benchmark (issue 9): LeNet 20/50/500 on 20x20 images, 3 seeds (mean ± sd of test accuracy)");
        Console.WriteLine();
        Console.WriteLine("| measure | accuracy |");
        Console.WriteLine("|---|---|");
        foreach (var (name, values) in results) Console.WriteLine($"| {name} | {Statistics.Percent(values)} |");
        Console.WriteLine();
        Console.WriteLine($"Task A's scores from the three-column model equal the source model's bit for bit on every test row, every seed: {(identical ? "yes" : "NO")}.");
        Console.WriteLine();
        Console.WriteLine("| part | parameters |");
        Console.WriteLine("|---|---|");
        foreach (var (name, count) in parameters) Console.WriteLine($"| {name} | {count:N0} |");
        Console.WriteLine();
        Console.WriteLine($"Total time {watch.Elapsed.TotalMinutes:F1} min.");
    }

    /// <summary>Accuracy on <paramref name="test"/> of <paramref name="old"/>'s head on <paramref name="tuned"/>'s layers: what fine-tuning left of the old task.</summary>
    private static double OldHeadAccuracy(NetworkTransformer old, NetworkTransformer tuned, ImageDataset test)
    {
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        using var network = new Network(ModelSpec.Classifier(tuned.NetworkSpec, old.NumberOfClasses), tuned.InputLength);
        var oldState = old.Network.state_dict();
        var tunedState = tuned.Network.state_dict();
        foreach (var (name, value) in network.state_dict())
            value.copy_(name.StartsWith("heads.", StringComparison.Ordinal) ? oldState[name] : tunedState[name]);
        network.eval();
        var x = torch.tensor(test.Images.SelectMany(i => i).ToArray(), [test.Count, test.Length]);
        var predicted = network.forward(x).argmax(1).data<long>().ToArray();
        var names = old.ClassNames!;
        return Enumerable.Range(0, test.Count).Count(i => names[(int)predicted[i]] == test.ClassNames[test.Labels[i]]) / (double)test.Count;
    }
}
