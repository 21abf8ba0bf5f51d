using System.CommandLine;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Cli;

/// <summary>
/// The training-loop options every training command takes. Each one left out keeps the method's
/// own default (TrainingDefaults for classifiers; the paper's settings for domain adaptation).
/// </summary>
internal sealed class TrainingArguments
{
    private readonly Option<int?> _epochs = new("--epochs") { Description = $"Passes over the training rows (default {TrainingDefaults.Epochs})." };
    private readonly Option<int?> _batchSize = new("--batch-size") { Description = $"Rows per step (default {TrainingDefaults.BatchSize})." };
    private readonly Option<double?> _learningRate = new("--learning-rate") { Description = $"Base learning rate (default {TrainingDefaults.LearningRate}; 0.01 for DANN)." };
    private readonly Option<OptimizerKind?> _optimizer = new("--optimizer") { Description = "Adam or Sgd (default Adam; Sgd for DANN)." };
    private readonly Option<double?> _validation = new("--validation-fraction") { Description = "Share of training rows for validation and early stopping (default 0)." };
    private readonly Option<int?> _patience = new("--patience") { Description = "Early-stopping patience in epochs (default 0 = off)." };
    private readonly Option<int?> _seed = new("--seed") { Description = $"Seeds the split, initialisation and shuffling (default {TrainingDefaults.Seed})." };
    private readonly Option<DeviceKind?> _device = new("--device") { Description = "Auto, Cpu or Cuda (default Auto)." };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _epochs, _batchSize, _learningRate, _optimizer, _validation, _patience, _seed, _device })
            command.Options.Add(option);
    }

    /// <summary>Sets on <paramref name="options"/> the values given on the command line.</summary>
    public T Apply<T>(ParseResult result, T options) where T : TrainingOptions
    {
        if (result.GetValue(_epochs) is int epochs) options.Epochs = epochs;
        if (result.GetValue(_batchSize) is int batchSize) options.BatchSize = batchSize;
        if (result.GetValue(_learningRate) is double learningRate) options.LearningRate = learningRate;
        if (result.GetValue(_optimizer) is OptimizerKind optimizer) options.Optimizer = optimizer;
        if (result.GetValue(_validation) is double validation) options.ValidationFraction = validation;
        if (result.GetValue(_patience) is int patience) options.EarlyStoppingPatience = patience;
        if (result.GetValue(_seed) is int seed) options.Seed = seed;
        if (result.GetValue(_device) is DeviceKind device) options.Device = device;
        return options;
    }
}
