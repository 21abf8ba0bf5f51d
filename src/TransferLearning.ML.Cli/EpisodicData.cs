using Microsoft.ML;

namespace TransferLearning.ML.Cli;

/// <summary>
/// The data of the metric and few-shot commands: labelled CSVs whose classes may differ from file to
/// file (training classes, held-out classes, a support set). Features are concatenated and min-max
/// normalised as fitted on the training file; each file's label gets its own key map, because a
/// test file's classes are usually not the training file's. The key replaces the text label under
/// the same name, so that errors name the column the user gave.
/// </summary>
internal sealed class EpisodicData
{
    public const string Features = "Features";

    private readonly MLContext _ml;
    private readonly string _label;
    private readonly string[] _featureColumns;

    private EpisodicData(MLContext ml, string label, string[] featureColumns, ITransformer featurizer)
    {
        _ml = ml;
        _label = label;
        _featureColumns = featureColumns;
        Featurizer = featurizer;
    }

    /// <summary>Concatenate + min-max normalise, fitted on the training file; part of every saved model.</summary>
    public ITransformer Featurizer { get; }

    /// <summary>The label column (a key after loading).</summary>
    public string Label => _label;

    /// <summary>The training file's rows, featurised, with the label as a key.</summary>
    public IDataView Train { get; private set; } = null!;

    /// <summary>The training file's raw schema (the saved model's input schema).</summary>
    public DataViewSchema InputSchema { get; private set; } = null!;

    /// <summary>Loads and featurises the training file.</summary>
    public static EpisodicData Load(MLContext ml, string path, string label)
    {
        var (raw, columns) = CsvData.LoadLabelled(ml, path, label, null);
        var featurizer = ml.Transforms.Concatenate(Features, columns).Append(ml.Transforms.NormalizeMinMax(Features)).Fit(raw);
        var data = new EpisodicData(ml, label, columns, featurizer) { InputSchema = raw.Schema };
        data.Train = data.Keyed(raw);
        return data;
    }

    /// <summary>Another labelled file with the training file's feature columns, featurised and keyed by its own classes.</summary>
    public IDataView LoadOther(string path) => Keyed(CsvData.LoadLabelled(_ml, path, _label, _featureColumns).Data);

    private IDataView Keyed(IDataView raw)
    {
        var featurized = Featurizer.Transform(raw);
        return _ml.Transforms.Conversion.MapValueToKey(_label).Fit(featurized).Transform(featurized);
    }
}
