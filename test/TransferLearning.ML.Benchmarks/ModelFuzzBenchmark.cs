using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Classification;
using TransferLearning.ML.DomainAdaptation;
using TransferLearning.ML.Torch.Adaptation;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.ZeroShot;

namespace TransferLearning.ML.Benchmarks;

/// <summary>
/// Issue 8's corruption check: real model files of every family (saved by this version, and the
/// committed v1 fixtures), each corrupted many ways — truncated, a random bit flipped in the file,
/// a bit flipped or a 32-bit size overwritten inside a zip entry's content (re-zipped so that the
/// zip layer's own CRC passes and the model's checks are what is tested), an entry dropped or
/// swapped with another model's — and every variant loaded by a plain <c>Model.Load</c> in its own
/// process (ModelProbe) under a timeout. A variant must be refused with a clear message or load and
/// score exactly as the original; loading with other or non-finite scores, crashing or hanging are
/// failures.
/// </summary>
internal static class ModelFuzzBenchmark
{
    private const int VariantsPerModel = 60;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private enum Outcome { Refused, LoadedIdentical, LoadedDifferent, LoadedNonFinite, Crashed, Hung }

    public static void Run(string? fixtures)
    {
        var watch = Stopwatch.StartNew();
        var work = Path.Combine(Path.GetTempPath(), $"tlml-fuzz-{Environment.ProcessId}");
        Directory.CreateDirectory(work);
        var models = SaveModels(work);
        if (fixtures is not null)
            foreach (var file in Directory.GetFiles(fixtures, "*.zip").Order())
                models.Add(("v1 " + Path.GetFileNameWithoutExtension(file), file, RowsFor(file, work)));

        Console.WriteLine($"TransferLearning.ML model corruption check: {models.Count} models x {VariantsPerModel} variants, each loaded with a plain Model.Load in a new process (timeout {Timeout.TotalSeconds:F0} s)");
        Console.WriteLine();
        Console.WriteLine("| model | variants | refused | loaded, identical | loaded, different scores | loaded, NaN/inf | crashed | hung |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        var totals = new Dictionary<(bool V1, Outcome), int>();
        var messages = new Dictionary<string, int>();
        var bad = new List<string>();
        for (int m = 0; m < models.Count; m++)
        {
            var (name, path, rows) = models[m];
            var original = Probe(path, rows);
            if (original.Exit != 0) throw new InvalidOperationException($"{name} does not load uncorrupted: {original.Output}");
            var counts = new Dictionary<Outcome, int>();
            var random = new Random(1000 + m); // a fixed seed per model: the same variants on every run
            var others = models.Where(m => m.Path != path).Select(m => m.Path).ToArray();
            for (int v = 0; v < VariantsPerModel; v++)
            {
                var (kind, variant) = Corrupt(path, v, random, others, work);
                var result = Probe(variant, rows);
                var outcome = Classify(result, original.Output);
                counts[outcome] = counts.GetValueOrDefault(outcome) + 1;
                bool v1 = name.StartsWith("v1 ", StringComparison.Ordinal);
                totals[(v1, outcome)] = totals.GetValueOrDefault((v1, outcome)) + 1;
                if (outcome == Outcome.Refused)
                {
                    var category = Category(result.Output);
                    messages[category] = messages.GetValueOrDefault(category) + 1;
                    if (Unclear(category)) bad.Add($"{name}, {kind}: refused without a clear message: {result.Output.ReplaceLineEndings(" | ")}");
                }
                if (outcome is not (Outcome.Refused or Outcome.LoadedIdentical)) bad.Add($"{name}, {kind}: {outcome} {result.Output.Split('\n')[0]}");
                File.Delete(variant);
            }
            Console.WriteLine($"| {name} | {VariantsPerModel} | {Count(counts, Outcome.Refused)} | {Count(counts, Outcome.LoadedIdentical)} | {Count(counts, Outcome.LoadedDifferent)} | " +
                $"{Count(counts, Outcome.LoadedNonFinite)} | {Count(counts, Outcome.Crashed)} | {Count(counts, Outcome.Hung)} |");
        }
        Console.WriteLine();
        foreach (bool v1 in new[] { false, true })
        {
            int total = totals.Where(t => t.Key.V1 == v1).Sum(t => t.Value);
            if (total == 0) continue;
            Console.WriteLine($"{(v1 ? "v1 files (read by the v1 loaders; that format has no integrity data)" : "v2 files (this version)")}: {total} variants: " +
                string.Join(", ", Enum.GetValues<Outcome>().Select(o => $"{o} {totals.GetValueOrDefault((v1, o))}")));
        }
        Console.WriteLine();
        Console.WriteLine("Refusals by their innermost exception (type and first words of its message):");
        foreach (var (message, count) in messages.OrderByDescending(m => m.Value)) Console.WriteLine($"- {count} x {message}");
        if (bad.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Variants that were not refused cleanly:");
            foreach (var line in bad) Console.WriteLine($"- {line}");
        }
        Console.WriteLine();
        Console.WriteLine($"Total time {watch.Elapsed.TotalMinutes:F1} min.");
        Directory.Delete(work, recursive: true);
    }

    private static int Count(Dictionary<Outcome, int> counts, Outcome outcome) => counts.GetValueOrDefault(outcome);

    private static Outcome Classify((int Exit, string Output, bool TimedOut) result, string original)
    {
        if (result.TimedOut) return Outcome.Hung;
        if (result.Exit == 2 && result.Output.StartsWith("error\t", StringComparison.Ordinal)) return Outcome.Refused;
        if (result.Exit != 0) return Outcome.Crashed;
        if (result.Output == original) return Outcome.LoadedIdentical;
        bool nonFinite = result.Output.Split('\n').Where(l => l.Length > 0).SelectMany(l => l.Split('\t')[2].Split(' '))
            .Any(h => h.Length == 8 && float.IsNaN(BitConverter.UInt32BitsToSingle(uint.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture))) ||
                      h.Length == 8 && float.IsInfinity(BitConverter.UInt32BitsToSingle(uint.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture))));
        return nonFinite ? Outcome.LoadedNonFinite : Outcome.LoadedDifferent;
    }

    /// <summary>
    /// The innermost exception's type and the start of its message: what says why. (The outermost is
    /// usually ML.NET's own wrapper: it invokes loaders by reflection, so their exception arrives as a
    /// TargetInvocationException or, for ML.NET's own checks, "Error during class instantiation".)
    /// </summary>
    private static string Category(string output)
    {
        var innermost = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Last(l => l.StartsWith("error\t", StringComparison.Ordinal))["error\t".Length..];
        var words = innermost.Split(' ');
        return string.Join(' ', words.Take(14)) + (words.Length > 14 ? " ..." : "");
    }

    /// <summary>Refusals whose innermost exception is a programming error rather than a statement about the file.</summary>
    private static bool Unclear(string category) =>
        category.StartsWith("NullReferenceException", StringComparison.Ordinal) || category.StartsWith("IndexOutOfRangeException", StringComparison.Ordinal) ||
        category.StartsWith("InvalidCastException", StringComparison.Ordinal) || category.StartsWith("KeyNotFoundException", StringComparison.Ordinal);

    private static (string Kind, string Path) Corrupt(string path, int index, Random random, string[] others, string work)
    {
        var bytes = File.ReadAllBytes(path);
        var target = Path.Combine(work, $"variant-{Guid.NewGuid():N}.zip");
        string kind;
        switch (index % 6)
        {
            case 0:
                int length = random.Next(bytes.Length);
                File.WriteAllBytes(target, bytes[..length]);
                kind = $"truncated to {length} of {bytes.Length} bytes";
                break;
            case 1:
                int at = random.Next(bytes.Length), bit = random.Next(8);
                bytes[at] ^= (byte)(1 << bit);
                File.WriteAllBytes(target, bytes);
                kind = $"file bit {bit} of byte {at} flipped";
                break;
            case 2:
            case 3:
                kind = RewriteEntry(path, target, random, (name, content) =>
                {
                    int i = random.Next(content.Length), b = random.Next(8);
                    content[i] ^= (byte)(1 << b);
                    return $"{name}: bit {b} of byte {i} flipped";
                });
                break;
            case 4:
                kind = RewriteEntry(path, target, random, (name, content) =>
                {
                    if (content.Length < 4) return $"{name}: too short to overwrite";
                    int i = random.Next(content.Length - 3);
                    int value = new[] { -1, 0, int.MaxValue, 1 << 30, random.Next() }[random.Next(5)];
                    BitConverter.GetBytes(value).CopyTo(content, i);
                    return $"{name}: int32 at {i} set to {value}";
                });
                break;
            default:
                kind = DropOrSwap(path, target, random, others);
                break;
        }
        return (kind, target);
    }

    /// <summary>Copies the zip with one entry's decompressed content changed by <paramref name="change"/>.</summary>
    private static string RewriteEntry(string path, string target, Random random, Func<string, byte[], string> change)
    {
        File.Copy(path, target, overwrite: true);
        using var zip = ZipFile.Open(target, ZipArchiveMode.Update);
        var entries = zip.Entries.Where(e => e.Length > 0).ToArray();
        var entry = entries[random.Next(entries.Length)];
        byte[] content;
        using (var stream = entry.Open())
        using (var copy = new MemoryStream())
        {
            stream.CopyTo(copy);
            content = copy.ToArray();
        }
        string kind = change(entry.FullName, content);
        string name = entry.FullName;
        entry.Delete();
        using (var output = zip.CreateEntry(name).Open()) output.Write(content);
        return kind;
    }

    private static string DropOrSwap(string path, string target, Random random, string[] others)
    {
        File.Copy(path, target, overwrite: true);
        using var zip = ZipFile.Open(target, ZipArchiveMode.Update);
        var entries = zip.Entries.ToArray();
        var entry = entries[random.Next(entries.Length)];
        string name = entry.FullName;
        if (random.Next(2) == 0 || others.Length == 0)
        {
            entry.Delete();
            return $"{name} removed";
        }
        var other = others[random.Next(others.Length)];
        using var source = ZipFile.OpenRead(other);
        var replacement = source.Entries.FirstOrDefault(e => e.Name == entry.Name);
        if (replacement is null)
        {
            entry.Delete();
            return $"{name} removed (no counterpart in {Path.GetFileName(other)})";
        }
        entry.Delete();
        using (var input = replacement.Open())
        using (var output = zip.CreateEntry(name).Open()) input.CopyTo(output);
        return $"{name} swapped with {Path.GetFileName(other)}'s";
    }

    private static (int Exit, string Output, bool TimedOut) Probe(string model, string rows)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(typeof(ModelFuzzBenchmark).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>().Single(a => a.Key == "ModelProbePath").Value!);
        start.ArgumentList.Add(model);
        start.ArgumentList.Add(rows);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            return (-1, "", true);
        }
        return (process.ExitCode, output.Result + error.Result, false);
    }

    // ---- the models: one of each family, small, trained on synthetic data ----

    private static List<(string Name, string Path, string Rows)> SaveModels(string work)
    {
        var list = new List<(string, string, string)>();
        var ml = new MLContext(0);
        var random = new Random(5);
        float Noise() => (float)(random.NextDouble() - 0.5);
        Row[] Rows(int n, int length, string[] classes, Func<int, int, float> value) =>
            Enumerable.Range(0, n).Select(i => new Row { Label = classes[i % classes.Length], Features = Enumerable.Range(0, length).Select(j => value(i, j)).ToArray() }).ToArray();
        IDataView View(Row[] rows) => ml.Data.LoadFromEnumerable(rows, Schema(rows[0].Features.Length));
        void Save(string name, ITransformer model, IDataView data, Row[] probe)
        {
            var path = Path.Combine(work, name + ".zip");
            ml.Model.Save(model, data.Schema, path);
            var rows = Path.Combine(work, name + ".csv");
            File.WriteAllLines(rows, probe.Select(r => string.Join(",", r.Features.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
            list.Add((name, path, rows));
        }

        var abc = Rows(90, 6, ["a", "b", "c"], (i, j) => (j == i % 3 ? 2f : 0f) + Noise());
        var classifier = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.TransferLearning().NetworkClassifier(
            new NetworkClassifierOptions { Network = NetworkSpec.Mlp(16), Epochs = 3, LearnedFeaturesColumnName = "Learned" })).Fit(View(abc));
        Save("network classifier (MLP)", classifier, View(abc), abc[..8]);

        var images = Rows(64, 36, ["0", "1"], (i, j) => ((i % 2 == 0) == (j % 6 < 3) ? 1f : 0f) + Noise());
        var combined = ml.TransferLearning().CombineDomains(View(images[..32]), View(images[32..]));
        var spec = new NetworkSpec { InputShape = [1, 6, 6], Layers = [new StandardizeLayerSpec(), new ConvolutionLayerSpec(4, 3) { Padding = 1, BatchNorm = true }, new DenseLayerSpec(8)] };
        var dann = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.TransferLearning().DomainAdversarial(
            new DomainAdversarialOptions { Network = spec, Epochs = 2, BatchSize = 8, DomainSpecificBatchNorm = true, FailOnCollapse = false })).Fit(combined);
        Save("DANN (convolution, batch norm)", dann, combined, images[..8]);

        var tca = ml.TransferLearning().TransferComponents(components: 3, kernel: TcaKernel.Rbf).Fit(combined);
        Save("TCA (RBF)", tca, combined, images[..8]);

        var table = new ClassDescriptions(new Dictionary<string, float[]>
        {
            ["cat"] = [1, 0, 1, 0], ["dog"] = [1, 1, 0, 0], ["cow"] = [0, 1, 1, 0], ["owl"] = [0, 0, 1, 1], ["eel"] = [1, 0, 0, 1],
        });
        var animals = Rows(60, 4, ["cat", "dog", "cow"], (i, j) => table[new[] { "cat", "dog", "cow" }[i % 3]][j] * 2 + Noise());
        var key = ml.Transforms.Conversion.MapValueToKey("Label");
        Save("zero-shot DAP", key.Append(ml.TransferLearning().ZeroShotAttributes(table, epochs: 3)).Fit(View(animals)), View(animals), animals[..8]);
        Save("zero-shot attribute embedding", key.Append(ml.TransferLearning().AttributeEmbedding(table, epochs: 3)).Fit(View(animals)), View(animals), animals[..8]);
        var conse = key.Append(ml.TransferLearning().NetworkClassifier(epochs: 3)).Append(ml.TransferLearning().ConSE(table, topCount: 2)).Fit(View(animals));
        Save("zero-shot ConSE", conse, View(animals), animals[..8]);
        return list;
    }

    /// <summary>Probe rows for a committed v1 fixture: its own rows from fixtures.json.</summary>
    private static string RowsFor(string model, string work)
    {
        var manifest = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(model)!, "fixtures.json")));
        var fixture = manifest.RootElement.EnumerateArray().Single(f => f.GetProperty("model").GetString() == Path.GetFileName(model));
        var rows = Path.Combine(work, Path.GetFileNameWithoutExtension(model) + "-v1.csv");
        File.WriteAllLines(rows, fixture.GetProperty("features").EnumerateArray().Select(r => string.Join(",", r.EnumerateArray().Select(v => v.GetRawText()))));
        return rows;
    }

    private static SchemaDefinition Schema(int length)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, length);
        return schema;
    }

    private sealed class Row
    {
        public string Label { get; set; } = "";

        public float[] Features { get; set; } = [];
    }
}
