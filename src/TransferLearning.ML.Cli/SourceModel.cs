using System.CommandLine;
using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Classification;

namespace TransferLearning.ML.Cli;

/// <summary>
/// A saved source model split into its preprocessing (everything before the network classifier,
/// e.g. tlml train's Concatenate and normalisation, fitted on the source data) and the classifier.
/// Target rows go through the same preprocessing, and the target model keeps it.
/// </summary>
internal sealed class SourceModel
{
    private SourceModel(ITransformer model, DataViewSchema inputSchema, IReadOnlyList<ITransformer> preprocessing, NetworkTransformer classifier,
        IReadOnlyList<ITransformer> following)
    {
        Model = model;
        InputSchema = inputSchema;
        Preprocessing = preprocessing;
        Classifier = classifier;
        Following = following;
    }

    public ITransformer Model { get; }

    public DataViewSchema InputSchema { get; }

    public IReadOnlyList<ITransformer> Preprocessing { get; }

    public NetworkTransformer Classifier { get; }

    /// <summary>The parts after the classifier (e.g. tlml's MapKeyToValue of the predicted class).</summary>
    public IReadOnlyList<ITransformer> Following { get; }

    public static SourceModel Load(MLContext ml, string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Source model '{path}' does not exist.", path);
        var model = ml.Model.Load(path, out var schema);
        var parts = ModelParts.Flatten(model).ToList();
        int index = parts.FindLastIndex(t => t is NetworkTransformer);
        if (index < 0) throw new ArgumentException($"'{path}' holds no TransferLearning.ML network classifier to transfer from.");
        return new SourceModel(model, schema, parts.Take(index).ToList(), (NetworkTransformer)parts[index], parts.Skip(index + 1).ToList());
    }

    /// <summary>
    /// The saved source model and the target rows (read through the source's input schema, the
    /// label as text), with the target label mapped to <see cref="ModelOutput.LabelKeyColumn"/>
    /// by a map fitted on the training rows.
    /// </summary>
    public static (SourceModel Source, IDataView KeyedTrain, IDataView KeyedTest) LoadWithTarget(
        ParseResult result, MLContext ml, string sourcePath, DataArguments data, int seed)
    {
        var source = Load(ml, sourcePath);
        string label = data.Label(result);
        var (train, test) = data.Load(result, ml, seed, path => CsvData.LoadForSchema(ml, path, source.InputSchema, label));
        var labelMap = ml.Transforms.Conversion.MapValueToKey(ModelOutput.LabelKeyColumn, label).Fit(train);
        return (source, labelMap.Transform(train), labelMap.Transform(test));
    }

    /// <summary>The rows after the source's preprocessing.</summary>
    public IDataView Prepare(IDataView data) => Preprocessing.Aggregate(data, (view, transformer) => transformer.Transform(view));

    /// <summary>The target model: the source's preprocessing, then <paramref name="rest"/>.</summary>
    public ITransformer Compose(params ITransformer[] rest) => new TransformerChain<ITransformer>([.. Preprocessing, .. rest]);
}
