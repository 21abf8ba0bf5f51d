namespace TransferLearning.ML.Torch.Training;

/// <summary>The optimizer of the training loop.</summary>
public enum OptimizerKind
{
    /// <summary>Adam (Kingma and Ba 2015) with betas (0.9, 0.999). The default.</summary>
    Adam,

    /// <summary>Stochastic gradient descent with momentum (<see cref="TrainingOptions.Momentum"/>).</summary>
    Sgd,
}
