using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Onnx;

/// <summary>Options of <see cref="OnnxCatalogExtensions.ImportOnnx(TransferLearningCatalog, OnnxImportOptions)"/>: the ONNX files and the columns.</summary>
public sealed class OnnxImportOptions
{
    /// <summary>The ONNX files, chained in order (each one's single output is the next one's input): for example a preprocessing graph, then the network. At least one.</summary>
    public IReadOnlyList<string> ModelPaths { get; set; } = [];

    /// <summary>Input: a known-size vector of Single holding the graph input's values in its layout (planar channels for images, as ML.NET's ExtractPixels writes them). Default "Features".</summary>
    public string InputColumnName { get; set; } = "Features";

    /// <summary>Output: the graph output, flattened (e.g. ResNet18's 512 pooled features). Default "BackboneFeatures".</summary>
    public string OutputColumnName { get; set; } = "BackboneFeatures";

    /// <summary>Where the imported network runs (and later trains). Default <see cref="DeviceKind.Auto"/>.</summary>
    public DeviceKind Device { get; set; } = DeviceKind.Auto;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">No model path, or an empty column name.</exception>
    public void Validate()
    {
        if (ModelPaths is null || ModelPaths.Count == 0 || ModelPaths.Any(string.IsNullOrWhiteSpace))
            throw new ArgumentException("Option ModelPaths must list at least one ONNX file.", nameof(ModelPaths));
        if (string.IsNullOrWhiteSpace(InputColumnName)) throw new ArgumentException("Option InputColumnName must be a column name.", nameof(InputColumnName));
        if (string.IsNullOrWhiteSpace(OutputColumnName)) throw new ArgumentException("Option OutputColumnName must be a column name.", nameof(OutputColumnName));
        if (!Enum.IsDefined(Device)) throw new ArgumentException($"Option Device must be a defined DeviceKind, but is {Device}.", nameof(Device));
    }
}
