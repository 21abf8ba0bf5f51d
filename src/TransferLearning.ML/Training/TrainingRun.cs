using Microsoft.ML.Runtime;
using TorchSharp;
using TransferLearning.ML.Data;
using TransferLearning.ML.Training;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Training;
using static TorchSharp.torch;

namespace TransferLearning.ML.Training;

/// <summary>What a training plan works with: the network, the training rows on the device, and the shared loop.</summary>
/// <param name="Network">The network being trained, on <paramref name="Device"/>.</param>
/// <param name="Features">All training rows, [rows, features].</param>
/// <param name="Labels">Class index of each row (empty when the rows have none).</param>
/// <param name="Device">The training device.</param>
/// <param name="Run">Runs the shared training loop (with logging and progress) for one step and one set of options.</param>
internal sealed record TrainingContext(Network Network, Tensor Features, Tensor Labels, Device Device, Func<ITrainingStep, TrainingOptions, TrainingReport> Run);

/// <summary>A method's way of training: its steps and phases, run through <see cref="TrainingContext.Run"/>.</summary>
internal delegate TrainingReport TrainingPlan(TrainingContext context);

/// <summary>
/// The part of every method's Fit that is not the method: moving the network and the rows to the
/// device, logging to mlContext.Log, running the method's plan through the shared loop, and
/// disposing the network if training fails.
/// </summary>
internal static class TrainingRun
{
    public static TrainingReport Execute(IHostEnvironment env, string name, TrainingOptions options, LabeledRows rows, Network network, TrainingPlan plan)
    {
        var host = env.Register(name);
        try
        {
            var device = Devices.Resolve(options.Device);
            network.to(device);
            using var channel = host.Start("Training");
            using var features = torch.tensor(rows.Features, [rows.Count, rows.Length], device: device);
            using var labels = torch.tensor(rows.Labels, device: device);
            channel.Info(MessageSensitivity.None, $"{name}: {rows.Count} rows of {rows.Length} features, device {device}.");
            var log = new TrainingLog(channel, options.Progress);
            return plan(new TrainingContext(network, features, labels, device, (step, phase) => TrainingLoop.Run(step, rows.Count, phase, device, log)));
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }
}
