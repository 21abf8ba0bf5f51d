using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Metric;

/// <summary>
/// Leave-one-out retrieval scores of an embedding (Musgrave, Belongie and Lim 2020, "A metric learning
/// reality check"): every row queries all the others; R is the number of other rows of its class.
/// </summary>
internal static class Retrieval
{
    /// <summary>Mean Precision@1, R-precision and MAP@R over the rows whose class has another row, and how many such queries there were.</summary>
    /// <param name="embeddings">[rows, dims].</param>
    /// <param name="labels">Class of every row.</param>
    /// <param name="distance">How rows are compared.</param>
    /// <param name="blockRows">Queries scored at once (bounds memory at blockRows × rows distances).</param>
    public static (double PrecisionAt1, double RPrecision, double MapAtR, int Queries) Scores(Tensor embeddings, long[] labels, MetricDistance distance, int blockRows = 512)
    {
        int n = labels.Length;
        var classSize = labels.GroupBy(l => l).ToDictionary(g => g.Key, g => g.Count());
        int maxR = classSize.Values.Max() - 1;
        double p1 = 0, rPrecision = 0, map = 0;
        int queries = 0;
        if (maxR == 0) return (0, 0, 0, 0);
        for (int start = 0; start < n; start += blockRows)
        {
            using var scope = torch.NewDisposeScope();
            int rows = Math.Min(blockRows, n - start);
            var matrix = Distances.Matrix(embeddings.narrow(0, start, rows), embeddings, distance);
            // "Farther" first for the query itself, so that it never retrieves itself.
            var self = torch.arange(start, start + rows, dtype: ScalarType.Int64);
            bool similarity = Distances.IsSimilarity(distance);
            matrix = matrix.index_put_(torch.tensor(similarity ? float.NegativeInfinity : float.PositiveInfinity, dtype: matrix.dtype), torch.arange(rows, dtype: ScalarType.Int64), self);
            var (_, order) = matrix.topk(maxR, dim: 1, largest: similarity, sorted: true);
            var retrieved = order.data<long>().ToArray();
            for (int q = 0; q < rows; q++)
            {
                long label = labels[start + q];
                int r = classSize[label] - 1;
                if (r == 0) continue;
                int hits = 0;
                double precisionSum = 0;
                for (int i = 0; i < r; i++)
                {
                    if (labels[retrieved[q * maxR + i]] != label) continue;
                    hits++;
                    precisionSum += (double)hits / (i + 1);
                }
                p1 += labels[retrieved[q * maxR]] == label ? 1 : 0;
                rPrecision += (double)hits / r;
                map += precisionSum / r;
                queries++;
            }
        }
        return queries == 0 ? (0, 0, 0, 0) : (p1 / queries, rPrecision / queries, map / queries, queries);
    }
}
