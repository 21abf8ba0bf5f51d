namespace TransferLearning.ML.Cli.Commands;

/// <summary>Runs a command body and turns the errors a user can fix into one clear line and exit code 2.</summary>
internal static class CommandRunner
{
    // Library options that a message may name, and the tlml flag that sets each.
    private static readonly (string Option, string Flag)[] Flags =
    [
        ("LearningRate", "--learning-rate"), ("Epochs", "--epochs"), ("BatchSize", "--batch-size"), ("Optimizer", "--optimizer"),
        ("ValidationFraction", "--validation-fraction"), ("EarlyStoppingPatience", "--patience"), ("FailOnDivergence", "--keep-diverged"),
        ("MaximumLambda", "--lambda"), ("CodeSize", "--code-size"), ("Corruption", "--corruption"), ("SparsityWeight", "--sparsity-weight"),
    ];

    /// <summary>" (tlml flags: --x, --y)" for the library options the message names, so that a CLI user knows what to change.</summary>
    internal static string FlagHint(string message)
    {
        var flags = Flags.Where(f => System.Text.RegularExpressions.Regex.IsMatch(message, $@"\b{f.Option}\b")).Select(f => f.Flag).Distinct().ToArray();
        return flags.Length == 0 ? "" : $" (tlml flags: {string.Join(", ", flags)})";
    }

    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException or FormatException
                                      or InvalidOperationException)
        {
            // Unwrapped, on stderr: a message is read by people and by scripts, and must not be cut at the console width.
            Console.Error.WriteLine($"error: {e.Message}{FlagHint(e.Message)}");
            return 2;
        }
    }
}
