using System.CommandLine;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Spectre.Console;
using TorchSharp;

namespace TransferLearning.ML.Cli.Commands;

/// <summary>
/// <c>tlml doctor</c>: what a TorchSharp user needs when the native library will not load — the
/// versions in play, where the native libraries are, the system libstdc++'s newest GLIBCXX version
/// (TorchSharp 0.107's library needs 3.4.32 unless the package's build step patched it), whether
/// libtorch loads, CUDA, and the thread counts. Exit code 0 when libtorch loads, 1 when not.
/// </summary>
internal static partial class DoctorCommand
{
    private static readonly string[] LibStdCxxLocations =
    [
        "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
    ];

    public static Command Create()
    {
        var command = new Command("doctor", "Check the TorchSharp / libtorch installation this tlml runs on, for native-load failures.");
        command.SetAction(_ => Run());
        return command;
    }

    private static int Run()
    {
        var table = new Table().AddColumns("check", "result");
        void Row(string check, string result) => table.AddRow(Markup.Escape(check), result);
        Row("tlml / TransferLearning.ML", Markup.Escape(Version(typeof(TransferLearningCatalog).Assembly)));
        Row("TorchSharp (managed)", Markup.Escape(Version(typeof(torch).Assembly)));
        Row(".NET runtime", Markup.Escape($"{RuntimeInformation.FrameworkDescription}, {RuntimeInformation.RuntimeIdentifier}"));
        Row("OS", Markup.Escape(RuntimeInformation.OSDescription));
        string baseDirectory = AppContext.BaseDirectory;
        var natives = new[] { "libLibTorchSharp.so", "libtorch.so", "libtorch_cpu.so", "libtorch_cuda.so", "LibTorchSharp.dll", "libLibTorchSharp.dylib" }
            .SelectMany(name => Directory.EnumerateFiles(baseDirectory, name, SearchOption.AllDirectories))
            .Select(path => Path.GetRelativePath(baseDirectory, path))
            .Where(path => !path.StartsWith("runtimes", StringComparison.Ordinal) || path.StartsWith($"runtimes/{RuntimeInformation.RuntimeIdentifier}/", StringComparison.Ordinal))
            .ToArray();
        Row("native libraries next to tlml", natives.Length == 0 ? "[yellow]none found (TorchSharp will probe the NuGet cache)[/]" : Markup.Escape(string.Join(", ", natives)));

        bool linux = OperatingSystem.IsLinux();
        if (linux)
        {
            var libstdcxx = LibStdCxxLocations.FirstOrDefault(File.Exists);
            var newest = libstdcxx is null ? null : NewestGlibcxx(libstdcxx);
            Row("system libstdc++", libstdcxx is null ? "[yellow]not found in the usual places[/]"
                : Markup.Escape($"{libstdcxx}: newest {newest ?? "unknown"}") + (newest is not null && Compare(newest, "GLIBCXX_3.4.32") < 0
                    ? " [yellow](older than GLIBCXX_3.4.32: TorchSharp 0.107's library loads only as patched by TransferLearning.ML's build step)[/]" : ""));
        }

        bool loads;
        try
        {
            torch.InitializeDeviceType(DeviceType.CPU);
            using var probe = torch.ones(2, 2).matmul(torch.ones(2, 2));
            loads = probe.sum().item<float>() == 8;
            Row("libtorch loads (CPU)", loads ? $"[green]yes[/], libtorch {Markup.Escape(torch.__version__)}" : "[red]loads but computes wrongly[/]");
        }
        catch (Exception e)
        {
            loads = false;
            var inner = e;
            while (inner.InnerException is not null) inner = inner.InnerException;
            Row("libtorch loads (CPU)", "[red]no[/]: " + Markup.Escape(inner.Message.Split('\n')[0]));
        }
        if (loads)
        {
            bool cuda = torch.cuda.is_available();
            Row("CUDA", cuda ? $"[green]available[/], {torch.cuda.device_count()} device(s)" : "not available (this build or machine is CPU-only; --device Auto uses the CPU)");
            Row("threads", Markup.Escape($"torch intra-op {torch.get_num_threads()}, inter-op {torch.get_num_interop_threads()}; {Environment.ProcessorCount} logical processors"));
        }
        AnsiConsole.Write(table);
        if (!loads)
            AnsiConsole.MarkupLine(linux
                ? "[yellow]Fix:[/] reference the TransferLearning.ML package (its build step patches libLibTorchSharp.so for older libstdc++; " +
                  "set TransferLearningPatchLibTorchSharp=always to force it) and a TorchSharp-cpu or TorchSharp-cuda-linux package of the same TorchSharp version, then rebuild."
                : "[yellow]Fix:[/] add a TorchSharp-cpu (or TorchSharp-cuda-*) package of the same TorchSharp version as the library, then rebuild.");
        return loads ? 0 : 1;
    }

    private static string Version(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? assembly.GetName().Version?.ToString() ?? "?";

    /// <summary>The highest GLIBCXX_3.4.N version string in the library's bytes.</summary>
    private static string? NewestGlibcxx(string path)
    {
        var text = Encoding.Latin1.GetString(File.ReadAllBytes(path));
        return GlibcxxVersion().Matches(text).Select(m => m.Value).Distinct().OrderBy(v => v, Comparer<string>.Create(Compare)).LastOrDefault();
    }

    private static int Compare(string a, string b) => int.Parse(a[(a.LastIndexOf('.') + 1)..]).CompareTo(int.Parse(b[(b.LastIndexOf('.') + 1)..]));

    [GeneratedRegex(@"GLIBCXX_3\.4\.\d+")]
    private static partial Regex GlibcxxVersion();
}
