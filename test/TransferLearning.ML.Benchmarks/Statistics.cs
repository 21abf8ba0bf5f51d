namespace TransferLearning.ML.Benchmarks;

/// <summary>Mean and sample standard deviation over seeds, and medians of timings, as the reports print them.</summary>
internal static class Statistics
{
    /// <summary>Appends <paramref name="value"/> to the list under <paramref name="key"/>, creating it when absent.</summary>
    public static void Add(Dictionary<string, List<double>> table, string key, double value)
    {
        if (!table.TryGetValue(key, out var list)) table[key] = list = [];
        list.Add(value);
    }

    public static double Mean(IReadOnlyCollection<double> values) => values.Average();

    /// <summary>The sample standard deviation; 0 for a single value.</summary>
    public static double Sd(IReadOnlyCollection<double> values)
    {
        double mean = values.Average();
        return values.Count < 2 ? 0 : Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>The middle value (the mean of the two middle values for an even count).</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Fractions as "mean ± sd %", two decimals.</summary>
    public static string Percent(IReadOnlyCollection<double> values) => $"{Mean(values) * 100:F2} ± {Sd(values) * 100:F2} %";
}
