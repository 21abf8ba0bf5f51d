using Microsoft.ML;
using TransferLearning.ML.Torch.Transfer;

namespace TransferLearning.ML.FineTuning;

/// <summary>
/// "How transferable is each layer": trains a target classifier for every number of copied blocks
/// N = 0..L, with the copied blocks frozen and fine-tuned, for each seed, and measures each on the
/// validation rows (Yosinski, Clune, Bengio and Lipson 2014).
/// </summary>
internal static class TransferabilitySweep
{
    public static TransferabilityTable Run(MLContext ml, ITransformer source, IDataView train, IDataView validation,
        LayerTransferOptions options, IReadOnlyList<int> seeds)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        options.Validate();
        if (seeds.Count == 0) throw new ArgumentException("The sweep needs at least one seed.", nameof(seeds));
        if (options.CopyFrom != CopyDirection.First)
            throw new ArgumentException("The transferability sweep copies the first N blocks (CopyFrom = First).", nameof(options));
        int blocks = SourceNetwork.Find(source).Network.BlockCount;

        var rows = new List<TransferabilityResult>();
        TransferabilityResult? baseline = null;
        foreach (bool frozen in new[] { true, false })
        {
            for (int copied = 0; copied <= blocks; copied++)
            {
                if (copied == 0 && baseline is not null)
                {
                    rows.Add(baseline with { Frozen = frozen });
                    continue;
                }
                var measures = seeds.Select(seed =>
                {
                    var run = options.Clone();
                    run.CopiedLayers = copied;
                    run.FreezeCopiedLayers = frozen;
                    run.Seed = seed;
                    using var model = new LayerTransferEstimator(ml, source, run).Fit(train);
                    var metrics = ml.MulticlassClassification.Evaluate(model.Transform(validation), run.LabelColumnName,
                        run.ScoreColumnName, run.PredictedLabelColumnName);
                    return (metrics.MicroAccuracy, metrics.LogLoss);
                }).ToArray();
                var result = new TransferabilityResult(copied, frozen,
                    Mean(measures.Select(m => m.MicroAccuracy)), StandardDeviation(measures.Select(m => m.MicroAccuracy)),
                    Mean(measures.Select(m => m.LogLoss)), StandardDeviation(measures.Select(m => m.LogLoss)), measures.Length);
                if (copied == 0) baseline = result;
                rows.Add(result);
            }
        }
        return new TransferabilityTable(rows, blocks);
    }

    private static double Mean(IEnumerable<double> values) => values.Average();

    private static double StandardDeviation(IEnumerable<double> values)
    {
        var all = values.ToArray();
        if (all.Length < 2) return 0;
        double mean = all.Average();
        return Math.Sqrt(all.Sum(v => (v - mean) * (v - mean)) / (all.Length - 1));
    }
}
