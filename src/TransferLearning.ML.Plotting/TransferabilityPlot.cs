using ScottPlot;
using TransferLearning.ML.FineTuning;

namespace TransferLearning.ML.Plotting;

/// <summary>
/// Draws a <see cref="TransferabilityTable"/> the way Yosinski et al. 2014 draw their Fig. 2:
/// validation accuracy against the number of copied blocks, one line for frozen and one for
/// fine-tuned copies, with ±1 standard deviation over the seeds.
/// </summary>
public static class TransferabilityPlot
{
    /// <summary>Writes the plot to <paramref name="path"/>: SVG when it ends in .svg, PNG otherwise.</summary>
    /// <param name="table">The sweep's result.</param>
    /// <param name="path">Where to write.</param>
    /// <param name="title">Plot title; default "Layer transferability".</param>
    /// <param name="width">Width in pixels. Default 800.</param>
    /// <param name="height">Height in pixels. Default 500.</param>
    public static void Save(TransferabilityTable table, string path, string? title = null, int width = 800, int height = 500)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var plot = new Plot();
        AddSeries(plot, table, frozen: true, "copied blocks frozen", Colors.Blue, MarkerShape.FilledCircle);
        AddSeries(plot, table, frozen: false, "copied blocks fine-tuned", Colors.Red, MarkerShape.FilledSquare);
        plot.Title(title ?? "Layer transferability");
        plot.XLabel("copied blocks N (0 = target data only)");
        plot.YLabel("validation accuracy");
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        for (int n = 0; n <= table.SourceLayers; n++) ticks.AddMajor(n, n.ToString(System.Globalization.CultureInfo.InvariantCulture));
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.SetLimitsX(-0.3, table.SourceLayers + 0.3);
        plot.ShowLegend(Alignment.LowerLeft);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        if (path.EndsWith(".svg", StringComparison.OrdinalIgnoreCase)) plot.SaveSvg(path, width, height);
        else plot.SavePng(path, width, height);
    }

    private static void AddSeries(Plot plot, TransferabilityTable table, bool frozen, string label, Color color, MarkerShape marker)
    {
        var rows = table.Rows.Where(r => r.Frozen == frozen).OrderBy(r => r.CopiedLayers).ToArray();
        if (rows.Length == 0) return;
        double[] xs = rows.Select(r => (double)r.CopiedLayers + (frozen ? -0.04 : 0.04)).ToArray();
        double[] ys = rows.Select(r => r.Accuracy).ToArray();
        var errors = plot.Add.ErrorBar(xs, ys, rows.Select(r => r.AccuracyStandardDeviation).ToArray());
        errors.Color = color;
        var line = plot.Add.Scatter(xs, ys);
        line.Color = color;
        line.MarkerShape = marker;
        line.MarkerSize = 9;
        line.LineWidth = 2;
        line.LegendText = label;
    }
}
