using System.CommandLine;
using Microsoft.ML;

namespace TransferLearning.ML.Cli;

/// <summary>The data options of the training commands: a labelled CSV and where the test rows come from.</summary>
internal sealed class DataArguments(string role)
{
    private readonly Option<FileInfo> _data = new("--data", "-d") { Description = $"{role} CSV with a header row.", Required = true };
    private readonly Option<string> _label = new("--label", "-l") { Description = "The label column.", DefaultValueFactory = _ => "Label" };
    private readonly Option<FileInfo?> _test = new("--test") { Description = "Test CSV; default: hold out --test-fraction of --data." };
    private readonly Option<double> _testFraction = new("--test-fraction") { Description = "Share of --data held out for testing when --test is absent.", DefaultValueFactory = _ => 0.2 };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _data, _label, _test, _testFraction })
            command.Options.Add(option);
    }

    public string Label(ParseResult result) => result.GetValue(_label)!;

    /// <summary>Training and test rows, loaded by <paramref name="load"/> from --data and --test (or split off --data).</summary>
    public (IDataView Train, IDataView Test) Load(ParseResult result, MLContext ml, int seed, Func<string, IDataView> load)
    {
        var all = load(result.GetValue(_data)!.FullName);
        if (result.GetValue(_test) is FileInfo test) return (all, load(test.FullName));
        var split = ml.Data.TrainTestSplit(all, result.GetValue(_testFraction), seed: seed);
        return (split.TrainSet, split.TestSet);
    }
}
