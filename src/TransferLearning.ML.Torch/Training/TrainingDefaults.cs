namespace TransferLearning.ML.Torch.Training;

/// <summary>Default training settings, shared by <see cref="TrainingOptions"/> and the catalog's flat overloads.</summary>
public static class TrainingDefaults
{
    /// <summary>10 passes over the training rows.</summary>
    public const int Epochs = 10;

    /// <summary>64 rows per mini-batch.</summary>
    public const int BatchSize = 64;

    /// <summary>0.001, Adam's usual learning rate.</summary>
    public const double LearningRate = 1e-3;

    /// <summary>Seed 0.</summary>
    public const int Seed = 0;
}
