using System.CommandLine;
using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Datasets;

namespace TransferLearning.ML.Cli;

/// <summary>
/// The data of the metric and few-shot commands: labelled CSVs whose classes may differ from file to
/// file (training classes, held-out classes, a support set). Features are concatenated and min-max
/// normalised as fitted on the training file; each file's label gets its own key map, because a
/// test file's classes are usually not the training file's. The key replaces the text label under
/// the same name, so that errors name the column the user gave. Each file may instead be a folder
/// of class folders of images (Model Builder's layout): the images are decoded, resized and scaled
/// to [0, 1] into the Features column, and the label is the folder's name; the saved model then
/// reads that Features vector (ExtractPixels' planar layout).
/// </summary>
internal sealed class EpisodicData
{
    public const string Features = "Features";

    private readonly MLContext _ml;
    private readonly string _label;
    private readonly string[] _featureColumns;
    private readonly ImageArguments.Settings _images;

    private EpisodicData(MLContext ml, string label, string[] featureColumns, ITransformer featurizer, ImageArguments.Settings images)
    {
        _ml = ml;
        _label = label;
        _featureColumns = featureColumns;
        Featurizer = featurizer;
        _images = images;
    }

    /// <summary>Concatenate + min-max normalise, fitted on the training file; part of every saved model.</summary>
    public ITransformer Featurizer { get; }

    /// <summary>The label column (a key after loading).</summary>
    public string Label => _label;

    /// <summary>The training file's rows, featurised, with the label as a key.</summary>
    public IDataView Train { get; private set; } = null!;

    /// <summary>The training file's raw schema (the saved model's input schema).</summary>
    public DataViewSchema InputSchema { get; private set; } = null!;

    /// <summary>Loads and featurises the training file (or image folder).</summary>
    public static EpisodicData Load(MLContext ml, string path, string label, ImageArguments.Settings images)
    {
        if (Directory.Exists(path))
        {
            var pixels = Images(ml, path, label, images);
            var none = new TransformerChain<ITransformer>();
            return new EpisodicData(ml, label, [], none, images) { InputSchema = pixels.Schema, Train = Key(ml, label, pixels) };
        }
        var (raw, columns) = CsvData.LoadLabelled(ml, path, label, null);
        var featurizer = ml.Transforms.Concatenate(Features, columns).Append(ml.Transforms.NormalizeMinMax(Features)).Fit(raw);
        var data = new EpisodicData(ml, label, columns, featurizer, images) { InputSchema = raw.Schema };
        data.Train = Key(ml, label, featurizer.Transform(raw));
        return data;
    }

    /// <summary>Another labelled file (or image folder) like the training one, featurised and keyed by its own classes.</summary>
    public IDataView LoadOther(string path)
    {
        if (Directory.Exists(path) != (_featureColumns.Length == 0))
            throw new ArgumentException($"'{path}' is {(Directory.Exists(path) ? "an image folder" : "a CSV file")}, but the training data {(_featureColumns.Length == 0 ? "was an image folder" : "was a CSV file")}: give both in the same form.");
        return Key(_ml, _label, Directory.Exists(path) ? Images(_ml, path, _label, _images) : Featurizer.Transform(CsvData.LoadLabelled(_ml, path, _label, _featureColumns).Data));
    }

    private static IDataView Images(MLContext ml, string path, string label, ImageArguments.Settings images)
    {
        var data = ImageFolder.Load(path, images.Size, images.Size, !images.Rgb).ToDataView(ml);
        return label == "Label" ? data : ml.Transforms.CopyColumns(label, "Label").Fit(data).Transform(data);
    }

    private static IDataView Key(MLContext ml, string label, IDataView featurized) => ml.Transforms.Conversion.MapValueToKey(label).Fit(featurized).Transform(featurized);
}

/// <summary>How image folders are read: --image-size and --rgb.</summary>
internal sealed class ImageArguments
{
    private readonly Option<int> _size = new("--image-size") { Description = "For image folders: the side images are resized to.", DefaultValueFactory = _ => 28 };
    private readonly Option<bool> _rgb = new("--rgb") { Description = "For image folders: keep red, green and blue planes (default grey-scale)." };

    /// <summary>The values read.</summary>
    public sealed record Settings(int Size, bool Rgb);

    public void AddTo(Command command)
    {
        command.Options.Add(_size);
        command.Options.Add(_rgb);
    }

    public Settings Read(ParseResult result) => new(result.GetValue(_size), result.GetValue(_rgb));
}
