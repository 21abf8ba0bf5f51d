using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Losses;

/// <summary>
/// The L2-SP regulariser of Li, Grandvalet and Davoine (ICML 2018), "Explicit inductive bias for
/// transfer learning with convolutional networks":
/// Ω(w) = α/2 · Σ‖w_copied − w⁰‖² + β/2 · Σ‖w_new‖², where w⁰ are the source (starting point)
/// weights of the copied parameters and w_new the freshly initialised ones (new blocks and head).
/// </summary>
internal sealed class L2SpPenalty : IDisposable
{
    private readonly (Parameter Parameter, Tensor Start)[] _copied;
    private readonly Parameter[] _fresh;

    /// <summary>Records the current values of <paramref name="copied"/> as the starting point.</summary>
    /// <param name="copied">Parameters that start from source weights.</param>
    /// <param name="fresh">Parameters that start from a random initialisation.</param>
    /// <param name="alpha">Weight of the pull towards the starting point; at least 0.</param>
    /// <param name="beta">Weight of plain L2 decay on the fresh parameters; at least 0.</param>
    public L2SpPenalty(IEnumerable<Parameter> copied, IEnumerable<Parameter> fresh, double alpha, double beta)
    {
        if (!(alpha >= 0) || !(beta >= 0)) throw new ArgumentException($"L2-SP needs alpha and beta of at least 0, got {alpha} and {beta}.");
        Alpha = alpha;
        Beta = beta;
        using var noGrad = torch.no_grad();
        _copied = copied.Select(p => (p, p.detach().clone().DetachFromDisposeScope())).ToArray();
        _fresh = fresh.ToArray();
    }

    /// <summary>α, the weight of ‖w − w⁰‖² on copied parameters.</summary>
    public double Alpha { get; }

    /// <summary>β, the weight of ‖w‖² on fresh parameters.</summary>
    public double Beta { get; }

    /// <summary>The penalty at the current weights, a scalar with gradients.</summary>
    public Tensor Compute()
    {
        Tensor? total = null;
        foreach (var (parameter, start) in _copied)
            total = Add(total, (parameter - start).square().sum() * (Alpha / 2));
        foreach (var parameter in _fresh)
            total = Add(total, parameter.square().sum() * (Beta / 2));
        return total ?? torch.zeros(1).sum();
    }

    private static Tensor Add(Tensor? total, Tensor term) => total is null ? term : total + term;

    /// <summary>Frees the recorded starting point.</summary>
    public void Dispose()
    {
        foreach (var (_, start) in _copied) start.Dispose();
    }
}
