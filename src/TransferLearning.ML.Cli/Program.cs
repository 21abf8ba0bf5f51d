using System.CommandLine;
using TransferLearning.ML.Cli.Commands;

var root = new RootCommand("tlml: transfer learning for ML.NET, trained with TorchSharp.")
{
    DemoCommand.Create(),
    DoctorCommand.Create(),
    TrainCommand.Create(),
    TransferCommand.Create(),
    SweepCommand.Create(),
    AdaptCommand.Create(),
    ZeroShotCommand.Create(),
    MultiTaskCommand.Create(),
    ProgressiveCommand.Create(),
    EmbedCommand.Create(),
    FewShotCommand.Create(),
    SelfTaughtCommand.Create(),
    ClusterCommand.Create(),
    PredictCommand.Create(),
    ImagesCommand.Create(),
    ExportCommand.Create(),
};
return root.Parse(args).Invoke();
