namespace TransferLearning.ML.Torch.Training.Sampling;

/// <summary>
/// Draws the batches of a training run: the loop asks it for each step's <see cref="Batch"/>
/// instead of cutting row mini-batches itself, so that methods that need two domains, class-balanced
/// batches, episodes or masked multi-label batches plug into the same loop.
/// </summary>
internal interface IBatchSampler : IDisposable
{
    /// <summary>Steps in one epoch.</summary>
    int StepsPerEpoch { get; }

    /// <summary>Starts an epoch; <paramref name="random"/> is the run's generator (shuffles draw from it in order).</summary>
    void StartEpoch(Random random);

    /// <summary>The batch of step <paramref name="step"/> (0-based) of the current epoch, created inside the step's dispose scope.</summary>
    Batch Next(int step);
}

/// <summary>Builds a run's sampler once the loop has split off its validation rows.</summary>
/// <param name="trainRows">The training rows (indices into the method's data), sorted.</param>
/// <param name="options">The run's settings (batch size, seed).</param>
/// <param name="device">Where the index tensors go.</param>
internal delegate IBatchSampler SamplerFactory(long[] trainRows, TrainingOptions options, TorchSharp.torch.Device device);
