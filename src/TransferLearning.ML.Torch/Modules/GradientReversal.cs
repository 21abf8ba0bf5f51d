using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Modules;

/// <summary>
/// The gradient reversal layer of Ganin and Lempitsky (ICML 2015): the identity going forward,
/// and exactly −λ times the incoming gradient going back, so that whatever sits before it learns
/// to confuse whatever sits after it.
/// </summary>
internal sealed class GradientReversal : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the layer with weight <paramref name="lambda"/>.</summary>
    public GradientReversal(double lambda = 1.0) : base(nameof(GradientReversal)) => Lambda = lambda;

    /// <summary>λ, the factor the reversed gradient is scaled by; may change every step.</summary>
    public double Lambda { get; set; }

    /// <summary>Reverses the gradient of <paramref name="input"/> with weight <paramref name="lambda"/>.</summary>
    public static Tensor Apply(Tensor input, double lambda) => ReversalFunction.apply(input, lambda);

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => Apply(input, Lambda);

    /// <summary>The autograd function: a view of the input forward, grad · (−λ) backward.</summary>
    private sealed class ReversalFunction : autograd.SingleTensorFunction<ReversalFunction>
    {
        public override string Name => nameof(ReversalFunction);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var input = (Tensor)vars[0];
            ctx.save_data("lambda", (double)vars[1]);
            return input.view_as(input);
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output) =>
            [grad_output * -(double)ctx.get_data("lambda"), null!];
    }
}
