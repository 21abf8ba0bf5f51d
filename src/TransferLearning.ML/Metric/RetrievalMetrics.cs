namespace TransferLearning.ML.Metric;

/// <summary>
/// How well an embedding retrieves rows of the same class (Musgrave, Belongie and Lim 2020): every
/// row queries all the others, and R is the number of other rows of its class. Rows alone in their
/// class are not queries.
/// </summary>
public sealed class RetrievalMetrics
{
    internal RetrievalMetrics(double precisionAt1, double rPrecision, double mapAtR, int queries)
    {
        PrecisionAt1 = precisionAt1;
        RPrecision = rPrecision;
        MeanAveragePrecisionAtR = mapAtR;
        Queries = queries;
    }

    /// <summary>Share of queries whose nearest other row is of their class (1-NN accuracy).</summary>
    public double PrecisionAt1 { get; }

    /// <summary>Mean share of same-class rows among each query's R nearest.</summary>
    public double RPrecision { get; }

    /// <summary>MAP@R: mean over queries of (1/R) Σ_{i≤R} P(i)·[i-th nearest is of the class]; rewards ranking the class's rows first.</summary>
    public double MeanAveragePrecisionAtR { get; }

    /// <summary>Rows that were queries.</summary>
    public int Queries { get; }

    /// <inheritdoc />
    public override string ToString() =>
        FormattableString.Invariant($"P@1 {PrecisionAt1:P2}, R-precision {RPrecision:P2}, MAP@R {MeanAveragePrecisionAtR:P2} ({Queries} queries)");
}
