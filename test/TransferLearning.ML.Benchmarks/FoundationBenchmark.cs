using System.Runtime.InteropServices;
using Microsoft.ML;
using Microsoft.ML.Data;
using TorchSharp;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Datasets;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;
using static TorchSharp.torch;

namespace TransferLearning.ML.Benchmarks;

/// <summary>
/// Issue 2's overhead check, in one process on the bundled digits (5000 x 400): the network
/// classifier's Fit against a bare TorchSharp loop on the same network, data and batches, and its
/// Transform against a bare batched forward pass. Goal: both ratios at least 0.9.
/// </summary>
internal static class FoundationBenchmark
{
    private const int BatchSize = 64, Block = 256;

    public static void Run(int repeats)
    {
        var digits = OpenCvDigits.Load();
        Console.WriteLine($"TransferLearning.ML foundation benchmark: {digits.Count} digits x {digits.Length} floats, " +
                          $"batch {BatchSize}, {repeats} alternating repeats (median), {Environment.ProcessorCount} cores, torch threads {torch.get_num_threads()}");
        Console.WriteLine();
        Console.WriteLine("Training: Fit (reading the IDataView included) vs a hand-written TorchSharp loop on tensors already in memory.");
        Console.WriteLine("Transform: rows/s reading Score, vs (a) a bare batched forward from a float[] in memory and (b) the same forward");
        Console.WriteLine("fed by a hand-written cursor over the same IDataView.");
        Console.WriteLine();
        Console.WriteLine("| network | Fit rows/s | bare loop rows/s | ratio | Transform rows/s | bare forward (a) | ratio (a) | cursor-fed forward (b) | ratio (b) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        // Enough epochs that each timed Fit lasts over a second: shorter runs are dominated by the machine's noise.
        foreach (var (name, spec, epochs) in new[] { ("MLP 400-128-10", NetworkSpec.Mlp(128), 10), ("LeNet 20/50/500", NetworkSpec.LeNet(1, 20, 20), 3) })
            Measure(name, spec, epochs, digits, repeats);
    }

    private static void Measure(string name, NetworkSpec spec, int epochs, ImageDataset digits, int repeats)
    {
        var ml = new MLContext(0);
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(digits.ToDataView(ml)).Transform(digits.ToDataView(ml));
        data = ml.Data.Cache(data);
        var options = new NetworkClassifierOptions { Network = spec, Epochs = epochs, BatchSize = BatchSize, Device = DeviceKind.Cpu };
        var estimator = ml.TransferLearning().NetworkClassifier(options);
        var features = digits.Images.SelectMany(i => i).ToArray();
        var labels = digits.Labels.Select(l => (long)l).ToArray();

        var (fit, bareTrain) = Timing.Alternate(repeats,
            () => estimator.Fit(data).Dispose(),
            () => BareTraining(spec, epochs, features, labels, digits.Length));

        using var model = estimator.Fit(data);
        var (transform, bareForward) = Timing.Alternate(repeats,
            () => ReadScores(model.Transform(data), digits.Count),
            () => BareForward(model.Network, features, digits.Count, digits.Length));
        var (transformAgain, cursorForward) = Timing.Alternate(repeats,
            () => ReadScores(model.Transform(data), digits.Count),
            () => BareForward(model.Network, ReadFeatures(data, digits.Count, digits.Length), digits.Count, digits.Length));

        double rows = digits.Count;
        Console.WriteLine($"| {name}, {epochs} epochs | {rows * epochs / fit:F0} | {rows * epochs / bareTrain:F0} | {bareTrain / fit:F3} " +
                          $"| {rows / transform:F0} | {rows / bareForward:F0} | {bareForward / transform:F3} " +
                          $"| {rows / cursorForward:F0} | {cursorForward / transformAgain:F3} |");
    }

    /// <summary>What a TorchSharp user writes by hand: data on the device once, shuffled index batches, Adam, a scope per step.</summary>
    private static void BareTraining(NetworkSpec spec, int epochs, float[] features, long[] labels, int length)
    {
        int rows = labels.Length;
        torch.manual_seed(0);
        using var network = new Network(spec, length, 10);
        using var x = torch.tensor(features, [rows, length]);
        using var y = torch.tensor(labels);
        using var optimizer = optim.Adam(network.parameters(), TrainingDefaults.LearningRate);
        var random = new Random(0);
        var order = Enumerable.Range(0, rows).Select(i => (long)i).ToArray();
        network.train();
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            random.Shuffle(order);
            using var perm = torch.tensor(order);
            for (int start = 0; start < rows; start += BatchSize)
            {
                using var scope = torch.NewDisposeScope();
                var index = perm.narrow(0, start, Math.Min(BatchSize, rows - start));
                optimizer.zero_grad();
                var loss = nn.functional.cross_entropy(network.forward(x.index_select(0, index)), y.index_select(0, index));
                loss.backward();
                optimizer.step();
            }
        }
    }

    private static void ReadScores(IDataView scored, int rows)
    {
        var column = scored.Schema["Score"];
        using var cursor = scored.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> score = default;
        int count = 0;
        while (cursor.MoveNext())
        {
            getter(ref score);
            count++;
        }
        if (count != rows) throw new InvalidOperationException("row count");
    }

    /// <summary>The feature column read by a plain cursor into one array, as a hand-written scorer would.</summary>
    private static float[] ReadFeatures(IDataView data, int rows, int length)
    {
        var features = new float[rows * length];
        var column = data.Schema["Features"];
        using var cursor = data.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> row = default;
        for (int i = 0; cursor.MoveNext(); i++)
        {
            getter(ref row);
            row.CopyTo(features.AsSpan(i * length, length));
        }
        return features;
    }

    /// <summary>Blocks of 256 rows from memory through the network and softmax, probabilities copied out.</summary>
    private static void BareForward(Network network, float[] features, int rows, int length)
    {
        var output = new float[rows * 10];
        network.eval();
        using var noGrad = torch.no_grad();
        using var input = torch.empty([Block, length]);
        for (int start = 0; start < rows; start += Block)
        {
            using var scope = torch.NewDisposeScope();
            int n = Math.Min(Block, rows - start);
            var x = input.narrow(0, 0, n);
            features.AsSpan(start * length, n * length).CopyTo(MemoryMarshal.Cast<byte, float>(x.bytes));
            var probabilities = nn.functional.softmax(network.forward(x), 1);
            MemoryMarshal.Cast<byte, float>(probabilities.bytes).CopyTo(output.AsSpan(start * 10, n * 10));
        }
    }
}
