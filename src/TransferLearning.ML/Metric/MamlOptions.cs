using Microsoft.ML;
using TransferLearning.ML.Torch.MetaLearning;

namespace TransferLearning.ML.Metric;

/// <summary>Options of <see cref="MamlTrainer"/>: the episodes, the inner loop, and the support set Fit adapts to.</summary>
/// <remarks>Defaults follow Finn et al. (2017) for Omniglot where they apply: α = 0.4, one inner step in training, three when adapting, Adam 1e-3 outside.</remarks>
public sealed class MamlOptions : EpisodicOptions, IMamlSettings
{
    /// <summary>Tasks (episodes) per meta-update; at least 1. Default 4.</summary>
    public int TasksPerBatch { get; set; } = 4;

    /// <summary>Gradient steps on a task's support set while meta-training; at least 1. Default 1.</summary>
    public int InnerSteps { get; set; } = 1;

    /// <summary>α, the inner loop's step size; finite, greater than 0. Default 0.4.</summary>
    public double InnerLearningRate { get; set; } = 0.4;

    /// <summary>Gradient steps on a support set when adapting (Fit's support set, <see cref="MamlModel.Adapt"/>, few-shot evaluation); at least 1. Default 3.</summary>
    public int AdaptationSteps { get; set; } = 3;

    /// <summary>First-order MAML: the meta-gradient ignores second derivatives (cheaper, usually nearly as good). Default false (second order).</summary>
    public bool FirstOrder { get; set; }

    /// <summary>
    /// Labelled rows of the task to predict: exactly <see cref="EpisodicOptions.Ways"/> classes (the
    /// label's key count), same column names. Fit meta-trains, then adapts to these rows. Required by
    /// Fit; <see cref="MamlTrainer.MetaTrain"/> does without.
    /// </summary>
    public IDataView? Support { get; set; }

    /// <inheritdoc />
    public override void Validate()
    {
        base.Validate();
        Require(TasksPerBatch >= 1, nameof(TasksPerBatch), TasksPerBatch, "at least 1");
        Require(InnerSteps >= 1, nameof(InnerSteps), InnerSteps, "at least 1");
        Require(InnerLearningRate > 0 && double.IsFinite(InnerLearningRate), nameof(InnerLearningRate), InnerLearningRate, "a finite number greater than 0");
        Require(AdaptationSteps >= 1, nameof(AdaptationSteps), AdaptationSteps, "at least 1");
    }
}
