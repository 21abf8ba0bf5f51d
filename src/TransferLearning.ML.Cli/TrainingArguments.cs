using System.CommandLine;
using System.Globalization;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Cli;

/// <summary>
/// The training-loop options every training command takes. Each one left out keeps the method's
/// own default; the help shows those defaults, read from the method's options object (per mode
/// where a flag changes them, e.g. DANN's --image-recipe), so it cannot drift from the code.
/// </summary>
internal sealed class TrainingArguments
{
    private readonly Option<int?> _epochs;
    private readonly Option<int?> _batchSize;
    private readonly Option<double?> _learningRate;
    private readonly Option<OptimizerKind?> _optimizer;
    private readonly Option<double?> _validation = new("--validation-fraction") { Description = "Share of training rows for validation and early stopping (default 0)." };
    private readonly Option<int?> _patience = new("--patience") { Description = "Early-stopping patience in epochs (default 0 = off)." };
    private readonly Option<int?> _seed = new("--seed") { Description = $"Seeds the split, initialisation and shuffling (default {TrainingDefaults.Seed})." };
    private readonly Option<DeviceKind?> _device = new("--device") { Description = "Auto, Cpu or Cuda (default Auto: CUDA when available)." };
    private readonly Option<bool> _keepDiverged = new("--keep-diverged") { Description = "Keep training when the loss explodes (default: stop with an error naming the learning rate)." };

    /// <param name="defaults">The command's options object with its defaults.</param>
    /// <param name="modes">Other modes of the command (a flag and the options object it gives) whose defaults differ.</param>
    public TrainingArguments(TrainingOptions defaults, params (string Flag, TrainingOptions Options)[] modes)
    {
        string Default<T>(Func<TrainingOptions, T> value)
        {
            string Format(T v) => Convert.ToString(v, CultureInfo.InvariantCulture)!;
            var text = $"default {Format(value(defaults))}";
            foreach (var (flag, options) in modes)
                if (!EqualityComparer<T>.Default.Equals(value(options), value(defaults))) text += $"; {Format(value(options))} with {flag}";
            return text;
        }
        _epochs = new("--epochs") { Description = $"Passes over the training rows ({Default(o => o.Epochs)})." };
        _batchSize = new("--batch-size") { Description = $"Rows per step ({Default(o => o.BatchSize)})." };
        _learningRate = new("--learning-rate") { Description = $"Base learning rate ({Default(o => o.LearningRate)})." };
        _optimizer = new("--optimizer") { Description = $"Adam or Sgd ({Default(o => o.Optimizer)})." };
    }

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _epochs, _batchSize, _learningRate, _optimizer, _validation, _patience, _seed, _device, _keepDiverged })
            command.Options.Add(option);
    }

    /// <summary>Whether --epochs was given (commands that size the default by their data ask).</summary>
    public bool EpochsGiven(ParseResult result) => result.GetValue(_epochs) is not null;

    /// <summary>Sets on <paramref name="options"/> the values given on the command line and checks them, before any data is read.</summary>
    /// <exception cref="ArgumentException">A value is out of range (the message names the option; tlml adds its flag).</exception>
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
        if (result.GetValue(_keepDiverged)) options.FailOnDivergence = false;
        options.Validate();
        return options;
    }
}
