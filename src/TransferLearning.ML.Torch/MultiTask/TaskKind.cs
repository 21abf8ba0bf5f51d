namespace TransferLearning.ML.Torch.MultiTask;

/// <summary>What a task predicts, from its label column's type.</summary>
internal enum TaskKind
{
    /// <summary>A key label: class indices, softmax cross-entropy.</summary>
    Classification,

    /// <summary>A Single label: one value, squared error.</summary>
    Regression,

    /// <summary>A Boolean label: one logit, logistic loss (ML.NET's binary-classification columns).</summary>
    Binary,
}
