using TorchSharp;
using TransferLearning.ML.Torch.MetaLearning;
using TransferLearning.ML.Torch.Training.Sampling;

namespace TransferLearning.ML.Metric;

/// <summary>
/// N-way K-shot accuracy over sampled episodes of classes (usually classes unseen in training), with
/// the 95 % confidence interval the few-shot literature reports (1.96 standard errors of the episode mean).
/// </summary>
public sealed class FewShotMetrics
{
    internal FewShotMetrics(int ways, int shots, int queries, double[] accuracies)
    {
        Ways = ways;
        Shots = shots;
        Queries = queries;
        Episodes = accuracies.Length;
        Accuracy = accuracies.Average();
        StandardDeviation = accuracies.Length < 2 ? 0 : Math.Sqrt(accuracies.Sum(a => (a - Accuracy) * (a - Accuracy)) / (accuracies.Length - 1));
        ConfidenceInterval95 = 1.96 * StandardDeviation / Math.Sqrt(accuracies.Length);
    }

    /// <summary>N, classes per episode.</summary>
    public int Ways { get; }

    /// <summary>K, labelled support rows per class.</summary>
    public int Shots { get; }

    /// <summary>Q, query rows per class (what is scored).</summary>
    public int Queries { get; }

    /// <summary>Number of episodes.</summary>
    public int Episodes { get; }

    /// <summary>Mean query accuracy over the episodes, in [0, 1].</summary>
    public double Accuracy { get; }

    /// <summary>Sample standard deviation of the episode accuracies.</summary>
    public double StandardDeviation { get; }

    /// <summary>Half-width of the 95 % confidence interval of <see cref="Accuracy"/>: 1.96 × SD / √episodes.</summary>
    public double ConfidenceInterval95 { get; }

    /// <summary>Runs the episodes; argument errors name the label column and the option.</summary>
    internal static FewShotMetrics Measure(long[] labels, string labelColumn, int ways, int shots, int queries, int episodes, int seed,
        Func<Batch, torch.Tensor> predict)
    {
        if (shots < 1) throw new ArgumentOutOfRangeException(nameof(shots), shots, "shots (K) must be at least 1.");
        if (queries < 1) throw new ArgumentOutOfRangeException(nameof(queries), queries, "queries (Q) must be at least 1.");
        if (episodes < 1) throw new ArgumentOutOfRangeException(nameof(episodes), episodes, "episodes must be at least 1.");
        int eligible = labels.GroupBy(l => l).Count(g => g.Count() >= shots + queries);
        if (ways < 2 || ways > eligible)
            throw new ArgumentOutOfRangeException(nameof(ways), ways,
                $"ways (N) must be in [2, {eligible}]: label column '{labelColumn}' has {eligible} classes with at least shots + queries = {shots + queries} rows.");
        return new FewShotMetrics(ways, shots, queries, FewShotEpisodes.Accuracies(labels, ways, shots, queries, episodes, seed, predict));
    }

    /// <inheritdoc />
    public override string ToString() =>
        FormattableString.Invariant($"{Ways}-way {Shots}-shot: {Accuracy:P2} ± {ConfidenceInterval95:P2} ({Episodes} episodes of {Queries} queries per class)");
}
