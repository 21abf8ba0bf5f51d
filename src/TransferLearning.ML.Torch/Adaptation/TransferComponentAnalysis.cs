using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Adaptation;

/// <summary>The kernel of Transfer Component Analysis.</summary>
public enum TcaKernel
{
    /// <summary>k(x, y) = x · y. The default.</summary>
    Linear,

    /// <summary>k(x, y) = exp(−γ ‖x − y‖²), γ by default from the median heuristic (1 / median squared distance).</summary>
    Rbf,
}

/// <summary>
/// A fitted Transfer Component Analysis (Pan, Tsang, Kwok and Yang, IEEE TNN 2011): the rows it was
/// fitted on, the kernel, and the projection W (n x m) of the kernel map onto the m transfer
/// components. A row x maps to k(x, X_fit) W.
/// </summary>
internal sealed class TcaModel
{

    internal TcaModel(float[] rows, int rowCount, int length, float[] projection, int components, TcaKernel kernel, double gamma, float[] eigenvalues)
    {
        Rows = rows;
        RowCount = rowCount;
        Length = length;
        Projection = projection;
        Components = components;
        Kernel = kernel;
        Gamma = gamma;
        Eigenvalues = eigenvalues;
    }

    /// <summary>The fitted rows, row-major, <see cref="RowCount"/> x <see cref="Length"/>.</summary>
    public float[] Rows { get; }

    /// <summary>Number of fitted rows n.</summary>
    public int RowCount { get; }

    /// <summary>Floats per row d.</summary>
    public int Length { get; }

    /// <summary>W, row-major, <see cref="RowCount"/> x <see cref="Components"/>.</summary>
    public float[] Projection { get; }

    /// <summary>Number of transfer components m.</summary>
    public int Components { get; }

    /// <summary>The kernel.</summary>
    public TcaKernel Kernel { get; }

    /// <summary>γ of the RBF kernel (unused by the linear one).</summary>
    public double Gamma { get; }

    /// <summary>The generalised eigenvalues of the kept components, largest first.</summary>
    public float[] Eigenvalues { get; }
}

/// <summary>
/// Fits <see cref="TcaModel"/>s: with K the kernel matrix of the source and target rows together,
/// L the MMD coefficient matrix (1/ns² within the source, 1/nt² within the target, −1/(ns nt)
/// across) and H the centring matrix, W holds the m leading eigenvectors of (K L K + μ I)⁻¹ K H K:
/// the directions that keep the data's variance while shrinking the maximum mean discrepancy between
/// the domains. The generalised eigenproblem is solved in double precision through a Cholesky factor.
/// </summary>
internal static class TransferComponentAnalysis
{
    /// <summary>Fits TCA on <paramref name="source"/> and <paramref name="target"/> rows (row-major, <paramref name="length"/> floats each).</summary>
    /// <param name="source">Source rows.</param>
    /// <param name="sourceCount">Number of source rows.</param>
    /// <param name="target">Target rows.</param>
    /// <param name="targetCount">Number of target rows.</param>
    /// <param name="length">Floats per row.</param>
    /// <param name="components">m, at most the number of rows.</param>
    /// <param name="mu">μ, the weight of the regulariser tr(WᵀW); greater than 0.</param>
    /// <param name="kernel">The kernel.</param>
    /// <param name="gamma">RBF γ; null for the median heuristic.</param>
    public static TcaModel Fit(float[] source, int sourceCount, float[] target, int targetCount, int length, int components, double mu,
        TcaKernel kernel, double? gamma)
    {
        int n = sourceCount + targetCount;
        if (sourceCount < 1 || targetCount < 1) throw new ArgumentException("TCA needs source and target rows.");
        if (components < 1 || components > n) throw new ArgumentException($"TCA can keep 1 to {n} components here, not {components}.");
        if (!(mu > 0)) throw new ArgumentException($"TCA needs mu greater than 0, got {mu}.");
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var rows = new float[n * length];
        source.AsSpan(0, sourceCount * length).CopyTo(rows);
        target.AsSpan(0, targetCount * length).CopyTo(rows.AsSpan(sourceCount * length));
        var x = torch.tensor(rows, [n, length], ScalarType.Float64);
        double g = kernel == TcaKernel.Rbf ? gamma ?? MedianHeuristic(x) : 0;
        var k = KernelMatrix(x, x, kernel, g);

        var e = torch.cat([torch.full(sourceCount, 1.0 / sourceCount, ScalarType.Float64), torch.full(targetCount, -1.0 / targetCount, ScalarType.Float64)]);
        var l = e.outer(e);
        var h = torch.eye(n, dtype: ScalarType.Float64) - 1.0 / n;
        var a = k.matmul(l).matmul(k) + torch.eye(n, dtype: ScalarType.Float64) * mu;
        var b = k.matmul(h).matmul(k);
        a = (a + a.t()) / 2;
        b = (b + b.t()) / 2;

        // B w = λ A w with A = C Cᵀ  <=>  (C⁻¹ B C⁻ᵀ) v = λ v, w = C⁻ᵀ v.
        var c = torch.linalg.cholesky(a);
        var left = torch.linalg.solve_triangular(c, b, upper: false);
        var m = torch.linalg.solve_triangular(c, left.t(), upper: false).t();
        m = (m + m.t()) / 2;
        var (values, vectors) = torch.linalg.eigh(m);
        var order = values.argsort(descending: true).narrow(0, 0, components);
        var w = torch.linalg.solve_triangular(c.t(), vectors.index_select(1, order), upper: true);

        return new TcaModel(rows, n, length, w.to_type(ScalarType.Float32).contiguous().data<float>().ToArray(), components, kernel, g,
            values.index_select(0, order).to_type(ScalarType.Float32).data<float>().ToArray());
    }

    /// <summary>k(a_i, b_j) for every pair, [rows of a, rows of b], in the precision of the inputs.</summary>
    internal static Tensor KernelMatrix(Tensor a, Tensor b, TcaKernel kernel, double gamma) => kernel switch
    {
        TcaKernel.Linear => a.matmul(b.t()),
        TcaKernel.Rbf => (SquaredDistances(a, b) * -gamma).exp(),
        _ => throw new ArgumentOutOfRangeException(nameof(kernel), kernel, "Unknown kernel."),
    };

    private static Tensor SquaredDistances(Tensor a, Tensor b) =>
        (a.square().sum(1, keepdim: true) + b.square().sum(1).unsqueeze(0) - a.matmul(b.t()) * 2).clamp_min(0);

    /// <summary>1 / the median of the pairwise squared distances (a common default for RBF widths).</summary>
    private static double MedianHeuristic(Tensor x)
    {
        var distances = SquaredDistances(x, x);
        var offDiagonal = distances.masked_select(torch.eye(x.shape[0], dtype: ScalarType.Bool).logical_not());
        double median = offDiagonal.median().item<double>();
        return median > 0 ? 1 / median : 1;
    }
}
