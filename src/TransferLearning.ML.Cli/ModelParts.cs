using Microsoft.ML;

namespace TransferLearning.ML.Cli;

/// <summary>The transformers of a fitted model in order, nested chains opened (Append on a chain nests it).</summary>
internal static class ModelParts
{
    public static IEnumerable<ITransformer> Flatten(ITransformer model) =>
        model is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [model];
}
