using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Training.Sampling;

/// <summary>
/// What one training step works on: int64 row indices on the training device, drawn by an
/// <see cref="IBatchSampler"/>. <see cref="Rows"/> is always set; the others are set by the samplers
/// that need them.
/// </summary>
/// <param name="Rows">The step's rows: a mini-batch, the source rows (two domains), or an episode's support set.</param>
/// <param name="Second">A second set of rows: the target domain's (two domains) or an episode's queries; null otherwise.</param>
/// <param name="Classes">An episode's classes, [N], in the order its support and query rows are grouped; null otherwise.</param>
/// <param name="TaskRows">Per task, the positions within <paramref name="Rows"/> whose label for that task is present (multitask); null otherwise.</param>
internal sealed record Batch(Tensor Rows, Tensor? Second = null, Tensor? Classes = null, IReadOnlyList<Tensor>? TaskRows = null);
