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
        return (Median(a), Median(b));
    }

    private static double Seconds(Action action)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : (values[values.Count / 2 - 1] + values[values.Count / 2]) / 2;
    }
}
