using Microsoft.ML.Runtime;
using TorchSharp;
using TransferLearning.ML.Data;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Training;

/// <summary>
/// The part of every method's Fit that is not the method: moving the network and the rows to the
/// device, logging to mlContext.Log, honouring <c>mlContext.CancelExecution()</c>, running the
/// method's recipe through the shared loop, and disposing the network if training fails.
/// </summary>
internal static class TrainingRun
{
    public static TrainingReport Execute(IHostEnvironment env, string name, TrainingOptions options, LabeledRows rows, Network network, TrainingPlan plan)
    {
        // A host registered on the context is cancelled with it (MLContext.CancelExecution cancels every child host).
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
            return plan(new TrainingContext(network, features, labels, device,
                (step, phase, sampler, rowCount) => TrainingLoop.Run(step, rowCount ?? rows.Count, phase, device, log, sampler, host.CheckAlive)));
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }
}
