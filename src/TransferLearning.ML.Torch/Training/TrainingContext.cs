using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Training.Sampling;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Training;

/// <summary>What a method's recipe works with: the model, the training rows on the device, and the shared loop.</summary>
/// <param name="Network">The model being trained, on <paramref name="Device"/>.</param>
/// <param name="Features">All training rows, [rows, features].</param>
/// <param name="Labels">Class index of each row (empty when the rows have none).</param>
/// <param name="Device">The training device.</param>
/// <param name="Run">Runs the shared training loop (with the caller's logging, progress and cancellation) for one step, one set of settings and a sampler.</param>
internal sealed record TrainingContext(Network Network, Tensor Features, Tensor Labels, Device Device, LoopRunner Run);

/// <summary>
/// Runs <see cref="TrainingLoop"/> on a step with the caller's logging and cancellation; <paramref name="sampler"/> null means uniform rows.
/// <paramref name="rowCount"/> is how many rows the step's batches index, null for the context's own rows; a step that trains on
/// other rows (reverse validation trains on the target) must pass theirs, or its batches index past them.
/// </summary>
internal delegate TrainingReport LoopRunner(ITrainingStep step, TrainingOptions options, SamplerFactory? sampler = null, int? rowCount = null);

/// <summary>A method's whole training: its steps, samplers and phases, and the work before and after the loop.</summary>
internal delegate TrainingReport TrainingPlan(TrainingContext context);
