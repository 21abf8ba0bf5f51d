using System.Diagnostics;

namespace TransferLearning.ML.Benchmarks;

/// <summary>Times two contenders in alternation, so that drift of the machine hits both alike, and reports medians.</summary>
internal static class Timing
{
    public static (double Ours, double Bare) Alternate(int repeats, Action ours, Action bare)
    {
        ours();
        bare(); // warm-up: JIT, libtorch's thread pool, allocator
        var a = new List<double>();
        var b = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            a.Add(Seconds(ours));
            b.Add(Seconds(bare));
        }
        return (Statistics.Median(a), Statistics.Median(b));
    }

    private static double Seconds(Action action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }
}
