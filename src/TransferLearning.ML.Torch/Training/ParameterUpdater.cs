using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Training;

/// <summary>
/// Adam (Kingma and Ba 2015) and SGD with momentum, step for step the arithmetic of TorchSharp's
/// <c>optim.Adam</c> / <c>optim.SGD</c> (same operations in the same order, L2 weight decay added to
/// the gradient), with every scalar operand held in a local until its operation has returned.
/// </summary>
/// <remarks>
/// Why not TorchSharp's optimizers: they pass scalars such as <c>1 - beta2</c> as temporary
/// <c>Scalar</c> objects whose native handle is read before the call; the managed object is then
/// unreachable, and a garbage collection on another thread lets its finalizer free the native
/// scalar while libtorch reads it. Measured here: a rare "Expected false to be true" error from
/// c10's Scalar::toFloat inside Adam's addcmul_, under the allocation load of image tests
/// (dotnet/TorchSharp PR 1496 works on the disposal of such scalars).
/// </remarks>
internal sealed class ParameterUpdater : IDisposable
{
    private const double Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8;

    private readonly OptimizerKind _kind;
    private readonly double _momentum;
    private readonly double _weightDecay;
    private readonly Group[] _groups;

    public ParameterUpdater(IEnumerable<(IReadOnlyList<Tensor> Parameters, double LearningRate)> groups, OptimizerKind kind, double momentum, double weightDecay)
    {
        _kind = kind;
        _momentum = momentum;
        _weightDecay = weightDecay;
        _groups = groups.Select(g => new Group(g.Parameters.Select(p => new State(p)).ToArray()) { LearningRate = g.LearningRate }).ToArray();
    }

    /// <summary>The parameter groups, whose learning rates the loop's schedule sets before each step.</summary>
    public IReadOnlyList<Group> Groups => _groups;

    /// <summary>Zeroes every gradient (as TorchSharp's zero_grad does: zero, not none).</summary>
    public void ZeroGrad()
    {
        foreach (var group in _groups)
            foreach (var state in group.States)
            {
                using var grad = state.Parameter.grad;
                grad?.zero_();
            }
    }

    /// <summary>One update of every parameter that has a gradient.</summary>
    public void Step()
    {
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        foreach (var group in _groups)
            foreach (var state in group.States)
            {
                var grad = state.Parameter.grad;
                if (grad is null) continue;
                if (_weightDecay != 0)
                {
                    using Scalar decay = _weightDecay;
                    grad = grad.add(state.Parameter, decay);
                }
                if (_kind == OptimizerKind.Adam) Adam(state, grad, group.LearningRate);
                else Sgd(state, grad, group.LearningRate);
            }
    }

    private static void Adam(State state, Tensor grad, double learningRate)
    {
        state.Step++;
        double correction1 = 1 - Math.Pow(Beta1, state.Step), correction2 = 1 - Math.Pow(Beta2, state.Step);
        state.First ??= torch.zeros_like(state.Parameter).DetachFromDisposeScope();
        state.Second ??= torch.zeros_like(state.Parameter).DetachFromDisposeScope();
        using Scalar beta1 = Beta1, oneMinusBeta1 = 1 - Beta1, beta2 = Beta2, oneMinusBeta2 = 1 - Beta2;
        using Scalar sqrtCorrection2 = Math.Sqrt(correction2), epsilon = Epsilon, stepSize = -(learningRate / correction1);
        state.First.mul_(beta1).add_(grad, oneMinusBeta1);
        state.Second.mul_(beta2).addcmul_(grad, grad, oneMinusBeta2);
        var denominator = state.Second.sqrt().div(sqrtCorrection2).add_(epsilon);
        state.Parameter.addcdiv_(state.First, denominator, stepSize);
    }

    private void Sgd(State state, Tensor grad, double learningRate)
    {
        if (_momentum != 0)
        {
            if (state.First is null) state.First = grad.clone().detach().DetachFromDisposeScope();
            else
            {
                using Scalar momentum = _momentum, one = 1.0;
                state.First.mul_(momentum).add_(grad, one);
            }
            grad = state.First;
        }
        using Scalar step = -learningRate;
        state.Parameter.add_(grad, step);
    }

    public void Dispose()
    {
        foreach (var group in _groups)
            foreach (var state in group.States)
            {
                state.First?.Dispose();
                state.Second?.Dispose();
            }
    }

    /// <summary>Parameters that share a learning rate.</summary>
    internal sealed class Group(State[] states)
    {
        public State[] States { get; } = states;

        public double LearningRate { get; set; }
    }

    /// <summary>One parameter and its moments (Adam) or momentum buffer (SGD, in <see cref="First"/>).</summary>
    internal sealed class State(Tensor parameter)
    {
        public Tensor Parameter { get; } = parameter;

        public Tensor? First { get; set; }

        public Tensor? Second { get; set; }

        public long Step { get; set; }
    }
}
