using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.MultiTask;

/// <summary>
/// One task's targets for every training row, on the device: class indices (int64, -1 where the row
/// has no label) for a classification task, values (float32, NaN where missing) for a regression
/// task, or 0/1 (float32) for a binary one; <see cref="Present"/> says which rows have one.
/// </summary>
/// <param name="Name">The task's name in loss reports (its label column).</param>
/// <param name="Head">The model head that predicts it.</param>
/// <param name="Kind">Classification, regression or binary.</param>
/// <param name="Values">[rows] targets.</param>
/// <param name="Present">Per row, whether it has this task's label.</param>
/// <param name="Weight">Fixed weight of the task's loss.</param>
internal sealed record TaskTarget(string Name, string Head, TaskKind Kind, Tensor Values, bool[] Present, double Weight);
