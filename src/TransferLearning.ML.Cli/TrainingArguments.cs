using System.CommandLine;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Cli;

/// <summary>The training-loop options every training command takes.</summary>
internal sealed class TrainingArguments
{
    private readonly Option<int> _epochs = new("--epochs") { Description = "Passes over the training rows.", DefaultValueFactory = _ => TrainingDefaults.Epochs };
    private readonly Option<int> _batchSize = new("--batch-size") { Description = "Rows per step.", DefaultValueFactory = _ => TrainingDefaults.BatchSize };
    private readonly Option<double> _learningRate = new("--learning-rate") { Description = "Base learning rate.", DefaultValueFactory = _ => TrainingDefaults.LearningRate };
    private readonly Option<OptimizerKind> _optimizer = new("--optimizer") { Description = "Adam or Sgd.", DefaultValueFactory = _ => OptimizerKind.Adam };
    private readonly Option<double> _validation = new("--validation-fraction") { Description = "Share of training rows for validation and early stopping.", DefaultValueFactory = _ => 0 };
    private readonly Option<int> _patience = new("--patience") { Description = "Early-stopping patience in epochs (0 = off).", DefaultValueFactory = _ => 0 };
    private readonly Option<int> _seed = new("--seed") { Description = "Seeds the split, initialisation and shuffling.", DefaultValueFactory = _ => TrainingDefaults.Seed };
    private readonly Option<DeviceKind> _device = new("--device") { Description = "Auto, Cpu or Cuda.", DefaultValueFactory = _ => DeviceKind.Auto };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _epochs, _batchSize, _learningRate, _optimizer, _validation, _patience, _seed, _device })
            command.Options.Add(option);
    }

    public T Apply<T>(ParseResult result, T options) where T : TrainingOptions
    {
        options.Epochs = result.GetValue(_epochs);
        options.BatchSize = result.GetValue(_batchSize);
        options.LearningRate = result.GetValue(_learningRate);
        options.Optimizer = result.GetValue(_optimizer);
        options.ValidationFraction = result.GetValue(_validation);
        options.EarlyStoppingPatience = result.GetValue(_patience);
        options.Seed = result.GetValue(_seed);
        options.Device = result.GetValue(_device);
        return options;
    }
}
