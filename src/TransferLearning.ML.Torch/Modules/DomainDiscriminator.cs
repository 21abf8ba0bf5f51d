using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Modules;

/// <summary>
/// The domain classifier of domain-adversarial training: an MLP from features to one logit
/// (target = 1, source = 0), with ReLU hidden layers and dropout, which keeps it from winning
/// outright and silencing the reversed gradient.
/// </summary>
internal sealed class DomainDiscriminator : nn.Module<Tensor, Tensor>
{
    private readonly Sequential layers;

    /// <summary>Creates the discriminator.</summary>
    /// <param name="inputSize">Feature size.</param>
    /// <param name="hiddenUnits">Units of each hidden layer (Ganin and Lempitsky use one of 100 for digits).</param>
    /// <param name="dropout">Dropout after each hidden layer, in [0, 1).</param>
    public DomainDiscriminator(int inputSize, IReadOnlyList<int> hiddenUnits, double dropout) : base(nameof(DomainDiscriminator))
    {
        var modules = new List<(string, nn.Module<Tensor, Tensor>)>();
        int size = inputSize;
        for (int i = 0; i < hiddenUnits.Count; i++)
        {
            modules.Add(($"linear{i}", nn.Linear(size, hiddenUnits[i])));
            modules.Add(($"relu{i}", nn.ReLU()));
            if (dropout > 0) modules.Add(($"dropout{i}", nn.Dropout(dropout)));
            size = hiddenUnits[i];
        }
        modules.Add(("output", nn.Linear(size, 1)));
        layers = nn.Sequential(modules);
        RegisterComponents();
    }

    /// <summary>Domain logits, [rows].</summary>
    public override Tensor forward(Tensor features) => layers.forward(features).squeeze(1);
}
