using TorchSharp;
using TorchSharp.Modules;
using TransferLearning.ML.Torch.Training.Sampling;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Training;

/// <summary>
/// What a method contributes to the shared <see cref="TrainingLoop"/>: its model, its trainable
/// parameters, and one forward pass + loss on a batch. The step owns its data (already on the
/// device) and receives the row indices its sampler drew (<see cref="Batch"/>).
/// </summary>
internal interface ITrainingStep
{
    /// <summary>Everything whose state training changes: switched to train/eval mode, snapshotted for early stopping.</summary>
    nn.Module Model { get; }

    /// <summary>The parameters to optimise, grouped by learning-rate multiplier. Frozen parameters are left out.</summary>
    IReadOnlyList<ParameterGroup> ParameterGroups { get; }

    /// <summary>
    /// Forward pass and loss on <paramref name="batch"/> (int64 indices on the device). Runs inside
    /// the loop's dispose scope: every tensor it creates is freed after the step.
    /// </summary>
    /// <param name="batch">The step's rows, as its sampler drew them.</param>
    /// <param name="progress">Fraction of this run's steps already done, in [0, 1) (for schedules such as DANN's λ).</param>
    StepLoss Loss(Batch batch, double progress);

    /// <summary>Loss and accuracy on the held-out rows <paramref name="rows"/>; called in eval mode under no_grad.</summary>
    Evaluation Evaluate(Tensor rows);
}

/// <summary>Parameters trained at <paramref name="LearningRateMultiplier"/> times the base learning rate.</summary>
internal sealed record ParameterGroup(IReadOnlyList<Parameter> Parameters, double LearningRateMultiplier = 1.0);

/// <summary>The loss of one step: the total to minimise and, for reporting, its named parts.</summary>
internal sealed record StepLoss(Tensor Total, IReadOnlyList<(string Name, Tensor Value)> Parts)
{
    /// <summary>A loss with no named parts.</summary>
    public StepLoss(Tensor total) : this(total, []) { }
}

/// <summary>
/// Validation metrics: mean loss and, where the method has one, accuracy. The loop keeps the
/// epoch with the lowest <see cref="SelectionScore"/>, which is the loss unless the method sets
/// another label-free criterion.
/// </summary>
/// <param name="Loss">Mean validation loss.</param>
/// <param name="Accuracy">Validation accuracy, where defined.</param>
/// <param name="Score">Model-selection score (lower is better); null means <paramref name="Loss"/>.</param>
internal readonly record struct Evaluation(double Loss, double? Accuracy, double? Score = null)
{
    /// <summary>What early stopping and epoch selection minimise.</summary>
    public double SelectionScore => Score ?? Loss;
}
