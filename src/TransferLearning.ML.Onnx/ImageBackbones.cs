namespace TransferLearning.ML.Onnx;

/// <summary>Pretrained image networks that NuGet packages ship as ONNX, ready for <see cref="OnnxCatalogExtensions.ImportOnnx(TransferLearningCatalog, OnnxImportOptions)"/>.</summary>
public static class ImageBackbones
{
    /// <summary>Epochs <see cref="FineTuningEpochs"/> starts from.</summary>
    public const int DefaultFineTuningEpochs = 5;

    /// <summary>Optimizer steps <see cref="FineTuningEpochs"/> guarantees at least.</summary>
    public const int MinimumFineTuningSteps = 60;

    /// <summary>
    /// Epochs for fine-tuning a backbone on <paramref name="rows"/> labelled images in batches of
    /// <paramref name="batchSize"/>: <see cref="DefaultFineTuningEpochs"/> (5), raised so that training
    /// takes at least <see cref="MinimumFineTuningSteps"/> (60) optimizer steps. With 25 images in
    /// batches of 16, 5 epochs are 10 steps and leave the new head undertrained
    /// (docs/benchmarks/backbones.md compares both on the same splits).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">rows or batchSize is below 1.</exception>
    public static int FineTuningEpochs(int rows, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int stepsPerEpoch = (rows + batchSize - 1) / batchSize;
        return Math.Max(DefaultFineTuningEpochs, (MinimumFineTuningSteps + stepsPerEpoch - 1) / stepsPerEpoch);
    }

    /// <summary>The folder the ResNet18 package's build step copies its models to, under the app's output.</summary>
    public const string ModelsFolder = "DnnImageModels";

    /// <summary>
    /// ImageNet ResNet18 (He et al. 2016) as shipped by the NuGet package
    /// <c>Microsoft.ML.DnnImageFeaturizer.ResNet18</c> (add it to the app: its build step copies
    /// <c>DnnImageModels/</c> next to the app): its preprocessing graph, then the network up to the
    /// 512-d global average pool (no ImageNet classifier). Input: 3x224x224 RGB values in [0, 255],
    /// planar — <c>LoadImages → ResizeImages(224, 224) → ExtractPixels()</c> with ExtractPixels' defaults
    /// (no interleave, scale 1, offset 0). The first imported layer swaps RGB to BGR and subtracts the
    /// ImageNet mean image; then come the stem and one layer per residual block (11 layers in all:
    /// the graph has 9 residual additions).
    /// </summary>
    /// <param name="modelsDirectory">Where <c>DnnImageModels</c> is; default the app's folder.</param>
    /// <exception cref="FileNotFoundException">The package's models are not there, with what to add.</exception>
    public static OnnxImportOptions ResNet18(string? modelsDirectory = null)
    {
        string root = Path.Combine(modelsDirectory ?? AppContext.BaseDirectory, ModelsFolder);
        string preprocess = Path.Combine(root, "ResNetPrepOnnx", "ResNetPreprocess.onnx"), network = Path.Combine(root, "ResNet18Onnx", "ResNet18.onnx");
        foreach (var path in new[] { preprocess, network })
            if (!File.Exists(path))
                throw new FileNotFoundException($"'{path}' is not there. Add the NuGet package Microsoft.ML.DnnImageFeaturizer.ResNet18 to the app " +
                    "(its build step copies DnnImageModels/ into the output folder), or pass the folder that holds DnnImageModels.", path);
        return new OnnxImportOptions { ModelPaths = [preprocess, network] };
    }
}
