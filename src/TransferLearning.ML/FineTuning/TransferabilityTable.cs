using System.Globalization;
using System.Text;

namespace TransferLearning.ML.FineTuning;

/// <summary>One point of a transferability sweep: N copied blocks, frozen or fine-tuned, measured on the validation rows.</summary>
/// <param name="CopiedLayers">Blocks copied from the source (0 = trained on the target alone).</param>
/// <param name="Frozen">Whether the copied blocks were frozen (false: fine-tuned with the rest).</param>
/// <param name="Accuracy">Mean validation accuracy over the seeds.</param>
/// <param name="AccuracyStandardDeviation">Sample standard deviation of the accuracy over the seeds (0 for one seed).</param>
/// <param name="LogLoss">Mean validation log-loss over the seeds.</param>
/// <param name="LogLossStandardDeviation">Sample standard deviation of the log-loss over the seeds.</param>
/// <param name="Runs">Number of seeds.</param>
public sealed record TransferabilityResult(int CopiedLayers, bool Frozen, double Accuracy, double AccuracyStandardDeviation,
    double LogLoss, double LogLossStandardDeviation, int Runs);

/// <summary>
/// The result of a transferability sweep (Yosinski et al. 2014, Fig. 2): for N = 0..L copied
/// blocks, the target model's validation accuracy and log-loss with the copied blocks frozen and
/// fine-tuned. N = 0 (nothing copied, nothing to freeze) is one experiment, listed in both series.
/// </summary>
public sealed class TransferabilityTable
{
    internal TransferabilityTable(IReadOnlyList<TransferabilityResult> rows, int sourceBlocks)
    {
        Rows = rows;
        SourceLayers = sourceBlocks;
    }

    /// <summary>Rows ordered by frozen first, then copied blocks.</summary>
    public IReadOnlyList<TransferabilityResult> Rows { get; }

    /// <summary>L, the number of blocks of the source network.</summary>
    public int SourceLayers { get; }

    /// <summary>The table as CSV with a header row (invariant culture).</summary>
    public string ToCsv()
    {
        var text = new StringBuilder("copied_layers,frozen,accuracy,accuracy_sd,log_loss,log_loss_sd,runs\n");
        foreach (var r in Rows)
            text.AppendLine(string.Join(",", r.CopiedLayers, r.Frozen ? "true" : "false", F(r.Accuracy), F(r.AccuracyStandardDeviation),
                F(r.LogLoss), F(r.LogLossStandardDeviation), r.Runs));
        return text.ToString();
    }

    /// <summary>The table as Markdown, accuracy as mean ± sd.</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder("| copied blocks | copied blocks are | accuracy | log-loss | runs |\n|---|---|---|---|---|\n");
        foreach (var r in Rows)
            text.AppendLine(FormattableString.Invariant(
                $"| {r.CopiedLayers} | {(r.CopiedLayers == 0 ? "(none copied)" : r.Frozen ? "frozen" : "fine-tuned")} | {r.Accuracy:P2} ± {r.AccuracyStandardDeviation:P2} | {r.LogLoss:F4} ± {r.LogLossStandardDeviation:F4} | {r.Runs} |"));
        return text.ToString();
    }

    private static string F(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
