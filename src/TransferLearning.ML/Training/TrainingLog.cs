using Microsoft.ML.Runtime;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Training;

/// <summary>
/// Sends training progress to ML.NET's log (mlContext.Log, one line per epoch) and to the user's
/// <see cref="IProgress{T}"/> (every step).
/// </summary>
internal sealed class TrainingLog(IChannel channel, IProgress<TrainingProgress>? user) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (value.EpochCompleted) channel.Info(MessageSensitivity.None, value.ToString());
        user?.Report(value);
    }
}
