namespace TransferLearning.ML.Torch.Networks;

/// <summary>The non-linearity at the end of a layer block.</summary>
public enum Activation
{
    /// <summary>No non-linearity (a linear block).</summary>
    None,

    /// <summary>max(0, x); the default.</summary>
    Relu,

    /// <summary>Hyperbolic tangent.</summary>
    Tanh,

    /// <summary>Logistic sigmoid.</summary>
    Sigmoid,

    /// <summary>Gaussian error linear unit.</summary>
    Gelu,
}
