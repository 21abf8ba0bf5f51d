using TorchSharp;
using TransferLearning.ML.Torch.Modules;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.MetaLearning;

/// <summary>
/// MAML's inner loop (Finn, Abbeel and Levine 2017): a few gradient steps on a task's support set,
/// starting from the meta-learned weights θ.
/// </summary>
internal static class Maml
{
    /// <summary>
    /// θ' after <paramref name="steps"/> steps of θ' ← θ' − α ∇L_support(θ'). Second order keeps
    /// the gradients in the graph (create_graph), so that the query loss differentiates through
    /// them; first order treats them as constants (FOMAML), so that ∂L(θ')/∂θ is ∇L at θ'.
    /// </summary>
    /// <param name="network">The architecture (its spec); its parameters are not changed.</param>
    /// <param name="weights">θ, in the order of <c>network.parameters()</c>.</param>
    /// <param name="support">The support rows' features.</param>
    /// <param name="targets">Their class index within the task (int64).</param>
    /// <param name="steps">Inner steps; 0 returns θ.</param>
    /// <param name="learningRate">α.</param>
    /// <param name="secondOrder">Differentiate through the inner gradients.</param>
    public static IReadOnlyList<Tensor> Adapt(Network network, IReadOnlyList<Tensor> weights, Tensor support, Tensor targets,
        int steps, double learningRate, bool secondOrder)
    {
        var adapted = weights;
        for (int s = 0; s < steps; s++)
        {
            var loss = nn.functional.cross_entropy(FunctionalNetwork.Forward(network, support, adapted), targets);
            // retain_graph must follow create_graph (PyTorch defaults it so; TorchSharp does not): the outer backward
            // goes through this support pass again. An autograd error here is a native abort, not an exception.
            var gradients = torch.autograd.grad([loss], adapted.ToArray(), retain_graph: secondOrder, create_graph: secondOrder);
            adapted = adapted.Select((w, i) => w - (secondOrder ? gradients[i] : gradients[i].detach()) * learningRate).ToArray();
        }
        return adapted;
    }

    /// <summary>The network's parameters as the weight list <see cref="FunctionalNetwork"/> reads.</summary>
    public static Tensor[] Weights(Network network) => network.parameters().Select(p => (Tensor)p).ToArray();
}
