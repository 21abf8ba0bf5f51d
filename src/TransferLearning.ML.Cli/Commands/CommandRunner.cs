using Spectre.Console;

namespace TransferLearning.ML.Cli.Commands;

/// <summary>Runs a command body and turns the errors a user can fix into one clear line and exit code 2.</summary>
internal static class CommandRunner
{
    public static int Run(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or FileNotFoundException or FormatException
                                      or InvalidOperationException)
        {
            AnsiConsole.MarkupLine($"[red]error:[/] {Markup.Escape(e.Message)}");
            return 2;
        }
    }
}
