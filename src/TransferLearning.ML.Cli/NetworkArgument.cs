using System.Globalization;
using TransferLearning.ML.Torch.Networks;

namespace TransferLearning.ML.Cli;

/// <summary>Parses the --network option: <c>mlp[:128,64]</c>, <c>lenet:CxHxW</c>, or the path of a spec JSON file.</summary>
internal static class NetworkArgument
{
    public const string Help = "mlp[:UNITS,...] (default mlp:128), lenet:CxHxW (e.g. lenet:1x20x20), or a network-spec JSON file";

    public static NetworkSpec Parse(string text)
    {
        if (File.Exists(text)) return NetworkSpec.FromJson(File.ReadAllText(text));
        var (kind, rest) = text.IndexOf(':') is int colon and >= 0 ? (text[..colon], text[(colon + 1)..]) : (text, "");
        switch (kind.ToLowerInvariant())
        {
            case "mlp":
                return NetworkSpec.Mlp(rest.Length == 0 ? [128] : rest.Split(',').Select(ParseInt).ToArray());
            case "lenet":
                var shape = rest.Split('x').Select(ParseInt).ToArray();
                if (shape.Length != 3) throw new FormatException($"lenet needs CxHxW, e.g. lenet:1x20x20; got '{text}'.");
                return NetworkSpec.LeNet(shape[0], shape[1], shape[2]);
            default:
                throw new FormatException($"Unknown network '{text}'. Expected {Help}.");
        }
    }

    private static int ParseInt(string s) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v > 0
        ? v
        : throw new FormatException($"'{s}' is not a positive whole number.");
}
