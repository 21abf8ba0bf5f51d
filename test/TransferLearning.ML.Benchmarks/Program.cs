using TransferLearning.ML.Benchmarks;

// usage: TransferLearning.ML.Benchmarks [foundation [--repeats N] | layer-transfer [--plot PATH] | domain-adaptation [--reverse-validation-only | --augmentation-only] | domain-adaptation-speed [--python PATH] | zero-shot [--only TABLE[,TABLE]] [--generalized-only [--calibrated-only] | --unseen-share | --share-transfer] | model-fuzz [--v1 FIXTURES] | multitask | progressive | few-shot [--quick] | self-taught | backbones [--quick] | onnx-conformance]
var name = args.FirstOrDefault(a => !a.StartsWith("--")) ?? "foundation";
int repeats = args.SkipWhile(a => a != "--repeats").Skip(1).Select(int.Parse).FirstOrDefault(3);
// Float results of the same seed can differ between CPU models (other vector kernels), so every report names its machine.
Console.WriteLine($"machine: {CpuModel()}, {Environment.ProcessorCount} cores");
Console.WriteLine();
switch (name)
{
    case "foundation":
        FoundationBenchmark.Run(repeats);
        return 0;
    case "layer-transfer":
        LayerTransferBenchmark.Run(args.SkipWhile(a => a != "--plot").Skip(1).FirstOrDefault("docs/images/transferability-fashion-mnist.png"));
        return 0;
    case "domain-adaptation":
        DomainAdaptationBenchmark.Run(args.Contains("--reverse-validation-only"), args.Contains("--augmentation-only"));
        return 0;
    case "domain-adaptation-speed":
        DomainAdaptationSpeedBenchmark.Run(args.SkipWhile(a => a != "--python").Skip(1).FirstOrDefault("/usr/bin/python3"));
        return 0;
    case "progressive":
        ProgressiveBenchmark.Run();
        return 0;
    case "few-shot":
        FewShotBenchmark.Run(args.Contains("--quick"));
        return 0;
    case "self-taught":
        SelfTaughtBenchmark.Run();
        return 0;
    case "onnx-conformance":
        OnnxConformanceBenchmark.Run();
        return 0;
    case "backbones":
        BackboneBenchmark.Run(args.Contains("--quick"));
        return 0;
    case "multitask":
        MultiTaskBenchmark.Run();
        return 0;
    case "model-fuzz":
        ModelFuzzBenchmark.Run(args.SkipWhile(a => a != "--v1").Skip(1).FirstOrDefault("test/TransferLearning.ML.Tests/Data/v1"));
        return 0;
    case "zero-shot":
        ZeroShotBenchmark.Run(args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault(), args.Contains("--generalized-only"), args.Contains("--calibrated-only"), args.Contains("--unseen-share"), args.Contains("--share-transfer"));
        return 0;
    default:
        Console.Error.WriteLine($"unknown benchmark '{name}'; known: foundation, layer-transfer, domain-adaptation, domain-adaptation-speed, zero-shot, model-fuzz, multitask, progressive, few-shot, self-taught, backbones, onnx-conformance");
        return 2;
}

static string CpuModel()
{
    const string cpuInfo = "/proc/cpuinfo";
    if (!File.Exists(cpuInfo)) return System.Runtime.InteropServices.RuntimeInformation.OSArchitecture.ToString();
    var lines = File.ReadLines(cpuInfo).TakeWhile(l => l.Length > 0).ToArray();
    string Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "";
    return $"{Field("model name")}{(Field("flags").Split(' ').Contains("avx512f") ? " (AVX-512)" : "")}";
}
