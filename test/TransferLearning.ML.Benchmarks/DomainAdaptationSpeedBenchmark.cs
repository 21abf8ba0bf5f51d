using System.Diagnostics;
using System.Text.Json;
using Microsoft.ML;
using TorchSharp;
using TransferLearning.ML.Datasets;
using TransferLearning.ML.DomainAdaptation;
using TransferLearning.ML.Torch.Adaptation;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Torch.Training.Sampling;
using static TorchSharp.torch;

namespace TransferLearning.ML.Benchmarks;

/// <summary>
/// Issue 13's speed evidence: the image recipe's training step (DomainAdversarialOptions.ForImages
/// on LeNet without its self-training, MNIST digits -> MNIST-M style, 64 + 64 rows a step) timed four ways in one run, on the
/// same data, the same number of threads and the same network: (1) our whole Fit through ML.NET,
/// its steps timed from the progress reports and the time around them split off; (2) our step
/// (DomainAdversarialStep with our optimizer) in a minimal loop; (3) the same step written in bare
/// TorchSharp (torch.nn modules, torch.optim.Adam); (4) the same step in PyTorch
/// (PyTorch/dann_step.py, Debian's python3-torch, which eng/run-benchmarks.sh installs).
/// </summary>
internal static class DomainAdaptationSpeedBenchmark
{
    private const int BatchSize = 64, WarmupSteps = 10, TimedSteps = 100, Rounds = 5;

    public static void Run(string python)
    {
        var watch = Stopwatch.StartNew();
        int threads = Environment.ProcessorCount;
        torch.set_num_threads(threads);
        var digits = OpenCvDigits.Load();
        var (train, _) = digits.SplitPerClass(400, 0);
        var source = MnistMStyle.ToRgb(train);
        var target = MnistMStyle.Blend(train, MnistMStyle.LoadPhotos(), 10);
        string data = WriteData(source, target);
        var spec = DomainAdversarialOptions.ForImages(NetworkSpec.LeNet(3, 20, 20)).Network;

        using var sourceRows = torch.tensor(source.Images.SelectMany(i => i).ToArray(), [source.Count, source.Length]);
        using var labels = torch.tensor(source.Labels.Select(l => (long)l).ToArray());
        using var targetRows = torch.tensor(target.Images.SelectMany(i => i).ToArray(), [target.Count, target.Length]);

        var results = new Dictionary<string, List<double>>();
        var fitParts = new List<FitTiming>();
        for (int round = 0; round < Rounds; round++)
        {
            Statistics.Add(results, Ours, OurStep(spec, sourceRows, labels, targetRows, source.ClassNames.Count));
            Statistics.Add(results, Bare, BareStep(sourceRows, labels, targetRows, source.ClassNames.Count));
            if (PyTorchStep(python, data, threads, singleThreadBlas: false) is double pytorch) Statistics.Add(results, PyTorch, pytorch);
            if (PyTorchStep(python, data, threads, singleThreadBlas: true) is double tuned) Statistics.Add(results, PyTorchTuned, tuned);
            var fit = OurFit(source, target);
            fitParts.Add(fit);
            Statistics.Add(results, OursFit, fit.MillisecondsPerStep);
            Console.Error.WriteLine($"  round {round + 1} done");
        }
        Directory.Delete(data, recursive: true);

        Console.WriteLine("## Speed: the domain-adversarial image recipe's training step, ours against bare TorchSharp and PyTorch");
        Console.WriteLine();
        Console.WriteLine($"MNIST digits -> MNIST-M style (photos/), LeNet with batch norm on 3x20x20, {BatchSize} source + {BatchSize} target rows a step, " +
                          $"augmentation, AdaBN's separate domain passes, DANN (λ -> 0.3), information maximisation 0.3, Adam; {threads} threads everywhere; " +
                          $"{WarmupSteps} warm-up steps, then {TimedSteps} timed; median of {Rounds} rounds, run in alternation.");
        Console.WriteLine();
        Console.WriteLine("| contender | ms per step (median) | per round | ratio to PyTorch (its faster setting) | ratio to bare TorchSharp |");
        Console.WriteLine("|---|---|---|---|---|");
        // The faster PyTorch configuration is the reference: Debian's OpenBLAS threads fight torch's OpenMP threads over 2 cores.
        double? reference = results.Where(r => r.Key.StartsWith("PyTorch")).Select(r => (double?)Statistics.Median(r.Value)).Min();
        double bare = Statistics.Median(results[Bare]);
        foreach (var (name, values) in results)
        {
            double median = Statistics.Median(values);
            Console.WriteLine($"| {name} | {median:F1} | {string.Join(", ", values.Select(v => v.ToString("F1")))} | " +
                              $"{(reference is double r ? (median / r).ToString("F2") : "n/a")} | {median / bare:F2} |");
        }
        if (reference is null) Console.WriteLine($"\nPyTorch did not run ({python} with torch not found); eng/run-benchmarks.sh installs python3-torch.");
        Console.WriteLine();
        Console.WriteLine("Our whole Fit (ML.NET pipeline, 2 epochs), where the time around the steps goes (median of the rounds):");
        Console.WriteLine();
        Console.WriteLine("| part | seconds |");
        Console.WriteLine("|---|---|");
        Console.WriteLine($"| before the first step (reading the IDataView, tensors, proxy A-distance on raw pixels) | {Statistics.Median(fitParts.Select(f => f.Before)):F2} |");
        Console.WriteLine($"| the steps of 2 epochs | {Statistics.Median(fitParts.Select(f => f.Steps)):F2} |");
        Console.WriteLine($"| after the last step (source accuracy, AdaBN, proxy A-distance on features, collapse check, model) | {Statistics.Median(fitParts.Select(f => f.After)):F2} |");
        Console.WriteLine($"| whole Fit | {Statistics.Median(fitParts.Select(f => f.Total)):F2} |");
        Console.WriteLine();
        Console.WriteLine($"total time {watch.Elapsed.TotalMinutes:F1} min");
    }

    private const string Ours = "our step (DomainAdversarialStep + our Adam) in a minimal loop";
    private const string OursFit = "our step inside Fit (from the progress reports)";
    private const string Bare = "bare TorchSharp (torch.nn, torch.optim.Adam)";
    private const string PyTorch = "PyTorch (PyTorch/dann_step.py)";
    private const string PyTorchTuned = "PyTorch with OPENBLAS_NUM_THREADS=1";

    /// <summary>The rows as raw files PyTorch/dann_step.py reads.</summary>
    private static string WriteData(ImageDataset source, ImageDataset target)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"tlml-dann-speed-{Environment.ProcessId}");
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "source.f32"), source.Images.SelectMany(i => i).SelectMany(BitConverter.GetBytes).ToArray());
        File.WriteAllBytes(Path.Combine(folder, "target.f32"), target.Images.SelectMany(i => i).SelectMany(BitConverter.GetBytes).ToArray());
        File.WriteAllBytes(Path.Combine(folder, "source-labels.i64"), source.Labels.SelectMany(l => BitConverter.GetBytes((long)l)).ToArray());
        File.WriteAllText(Path.Combine(folder, "meta.json"), JsonSerializer.Serialize(new
        {
            source = source.Count, target = target.Count, channels = source.Channels, height = source.Height, width = source.Width,
            classes = source.ClassNames.Count,
        }));
        return folder;
    }

    /// <summary>Milliseconds per step of our DomainAdversarialStep and ParameterUpdater, driven as the training loop drives them.</summary>
    private static double OurStep(NetworkSpec spec, Tensor source, Tensor labels, Tensor target, int classes)
    {
        torch.manual_seed(0);
        using var network = new Network(spec, (int)source.shape[1], classes);
        using var discriminator = new DomainDiscriminator(network.FeatureSize, [100], 0.5);
        using var noValidation = torch.zeros(0, source.shape[1]);
        var settings = new DomainAdversarialSettings(0.3, 10, 0.3, true, new ImageAugmentation(3, 20, 20, new AugmentationSettings()),
            SelectionCriterion.SourceErrorPlusDomainDistance, 0);
        var step = new DomainAdversarialStep(network, discriminator, source, labels, target, noValidation, settings);
        using var optimizer = new ParameterUpdater(step.ParameterGroups.Select(g => ((IReadOnlyList<Tensor>)g.Parameters.ToArray(), 1e-3)), OptimizerKind.Adam, 0, 0);
        using var sampler = new TwoDomainSampler(Enumerable.Range(0, (int)source.shape[0]).Select(i => (long)i).ToArray(), BatchSize, (int)target.shape[0], 0, CPU);
        step.Model.train();
        sampler.StartEpoch(new Random(0));
        return TimeSteps(s =>
        {
            using var scope = torch.NewDisposeScope();
            optimizer.ZeroGrad();
            var loss = step.Loss(sampler.Next(s % sampler.StepsPerEpoch), s / (double)(WarmupSteps + TimedSteps));
            loss.Total.backward();
            optimizer.Step();
            _ = loss.Total.item<float>();
            foreach (var (_, part) in loss.Parts) _ = part.item<float>();
        });
    }

    /// <summary>Milliseconds per step of the same step in plain TorchSharp: library modules and optimizer, nothing of ours.</summary>
    private static double BareStep(Tensor source, Tensor labels, Tensor target, int classes)
    {
        torch.manual_seed(0);
        using var blocks = nn.Sequential(
            nn.Conv2d(3, 20, 5, padding: 2), nn.BatchNorm2d(20), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(20, 50, 5, padding: 2), nn.BatchNorm2d(50), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(50 * 5 * 5, 500), nn.BatchNorm1d(500), nn.ReLU());
        using var head = nn.Linear(500, classes);
        using var discriminator = nn.Sequential(nn.Linear(500, 100), nn.ReLU(), nn.Dropout(0.5), nn.Linear(100, 1));
        using var optimizer = optim.Adam([.. blocks.parameters(), .. head.parameters(), .. discriminator.parameters()], 1e-3);
        var augmentation = new ImageAugmentation(3, 20, 20, new AugmentationSettings());
        blocks.train();
        discriminator.train();
        var order = torch.randperm(source.shape[0]);
        var random = new Random(0);

        Tensor Features(Tensor rows)
        {
            var mean = rows.mean([1], keepdim: true);
            var std = rows.std(1, keepdim: true);
            return blocks.forward(((rows - mean) / (std + 1e-5)).view(-1, 3, 20, 20));
        }

        return TimeSteps(s =>
        {
            using var scope = torch.NewDisposeScope();
            long start = (long)s * BatchSize % (source.shape[0] - BatchSize);
            var rows = order.narrow(0, start, BatchSize);
            var targetIndex = torch.tensor(Enumerable.Range(0, BatchSize).Select(_ => (long)random.Next((int)target.shape[0])).ToArray());
            var featuresSource = Features(augmentation.Apply(source.index_select(0, rows)));
            var featuresTarget = Features(augmentation.Apply(target.index_select(0, targetIndex)));
            var logitsSource = head.forward(featuresSource);
            var logitsTarget = head.forward(featuresTarget);
            var labelLoss = nn.functional.cross_entropy(logitsSource, labels.index_select(0, rows));
            double progress = s / (double)(WarmupSteps + TimedSteps), lambda = 0.3 * (2 / (1 + Math.Exp(-10 * progress)) - 1);
            // Gradient reversal without a custom autograd function: the value is the features', the gradient −λ times.
            var both = torch.cat([featuresSource, featuresTarget], 0);
            var reversed = both * -lambda + (both * (1 + lambda)).detach();
            var domainLogits = discriminator.forward(reversed).squeeze(1);
            var domainLabels = torch.cat([torch.zeros(BatchSize), torch.ones(BatchSize)]);
            var domainLoss = nn.functional.binary_cross_entropy_with_logits(domainLogits, domainLabels);
            var probabilities = nn.functional.softmax(logitsTarget, 1);
            var meanProbability = probabilities.mean([0]);
            var information = -(probabilities * nn.functional.log_softmax(logitsTarget, 1)).sum(1).mean() + (meanProbability * (meanProbability + 1e-8).log()).sum();
            var total = labelLoss + domainLoss + information * 0.3;
            optimizer.zero_grad();
            total.backward();
            optimizer.step();
            _ = total.item<float>();
        });
    }

    /// <summary>Milliseconds per step of PyTorch/dann_step.py, or null when Python or torch is missing.</summary>
    /// <param name="singleThreadBlas">Set OPENBLAS_NUM_THREADS=1, so that the BLAS threads do not compete with torch's own.</param>
    private static double? PyTorchStep(string python, string data, int threads, bool singleThreadBlas)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "PyTorch", "dann_step.py");
        var info = new ProcessStartInfo(python, [script, data, "--threads", $"{threads}", "--warmup-steps", $"{WarmupSteps}", "--steps", $"{TimedSteps}", "--batch", $"{BatchSize}"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        if (singleThreadBlas) info.Environment["OPENBLAS_NUM_THREADS"] = "1";
        try
        {
            using var process = Process.Start(info)!;
            string output = process.StandardOutput.ReadToEnd();
            string error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                Console.Error.WriteLine($"  PyTorch failed: {error.Trim()}");
                return null;
            }
            using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
            return json.RootElement.GetProperty("ms_per_step").GetDouble();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private sealed record FitTiming(double Before, double Steps, double After, double Total, double MillisecondsPerStep);

    /// <summary>Our Fit of 2 epochs through ML.NET; the steps are timed from the per-step progress reports.</summary>
    private static FitTiming OurFit(ImageDataset source, ImageDataset target)
    {
        var ml = new MLContext(0);
        var labelMap = ml.Transforms.Conversion.MapValueToKey("Label").Fit(source.ToDataView(ml));
        var combined = ml.Data.Cache(labelMap.Transform(ml.TransferLearning().CombineDomains(source.ToDataView(ml), target.ToDataView(ml))));
        var options = DomainAdversarialOptions.ForImages(NetworkSpec.LeNet(3, 20, 20));
        options.SelfTrainingWeight = 0; // the step the other contenders run: ForImages without its self-training
        options.Epochs = 2;
        options.Seed = 0;
        options.Device = DeviceKind.Cpu;
        var reports = new List<(double Seconds, TrainingProgress Progress)>();
        var watch = Stopwatch.StartNew();
        options.Progress = new Recorder(p => reports.Add((watch.Elapsed.TotalSeconds, p)));
        using var model = ml.TransferLearning().DomainAdversarial(options).Fit(combined);
        double total = watch.Elapsed.TotalSeconds;
        // The first report follows the first step; steps after it, up to the epoch's last (which includes validation), are pure steps.
        var epochs = reports.GroupBy(r => r.Progress.Epoch).Select(g => g.ToList()).ToList();
        double stepSeconds = 0;
        int steps = 0;
        foreach (var epoch in epochs)
        {
            var inner = epoch.Where(r => !r.Progress.EpochCompleted).ToList();
            stepSeconds += inner[^1].Seconds - inner[0].Seconds;
            steps += inner.Count - 1;
        }
        double perStep = stepSeconds / steps;
        double before = reports[0].Seconds - perStep, after = total - reports[^1].Seconds;
        return new FitTiming(before, total - before - after, after, total, 1000 * perStep);
    }

    /// <summary>Runs <paramref name="step"/> WarmupSteps times, then TimedSteps times under the clock.</summary>
    private static double TimeSteps(Action<int> step)
    {
        for (int s = 0; s < WarmupSteps; s++) step(s);
        GC.Collect();
        var watch = Stopwatch.StartNew();
        for (int s = 0; s < TimedSteps; s++) step(WarmupSteps + s);
        return watch.Elapsed.TotalMilliseconds / TimedSteps;
    }

    /// <summary>Progress reports delivered synchronously, on the training thread (Progress&lt;T&gt; would post them elsewhere).</summary>
    private sealed class Recorder(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
