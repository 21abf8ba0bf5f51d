// The NuGet consumer check (eng/consumer-test.sh copies this file into a fresh console app outside
// the repository, which references the packed packages): README's quick start line for line, then
// README's layer-transfer example, a save/reload in a fresh MLContext and a PredictionEngine.
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML;
using TransferLearning.ML.FineTuning;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Transfer;

// Synthetic 20x20 "digits": one random prototype per class plus noise; the target is the same
// classes shifted in brightness, with few rows.
WriteDigits("digits.csv", rows: 600, shift: 0f, seed: 1);
WriteDigits("target.csv", rows: 60, shift: 0.3f, seed: 2);
WriteDigits("target-test.csv", rows: 300, shift: 0.3f, seed: 3);

// --- README quick start ---
var ml = new MLContext(seed: 0);
var data = ml.Data.LoadFromTextFile<Digit>("digits.csv", separatorChar: ',', hasHeader: true);
var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
    .Append(ml.TransferLearning().NetworkClassifier(network: NetworkSpec.Mlp(128), epochs: 10));
var model = pipeline.Fit(data);
Console.WriteLine(ml.MulticlassClassification.Evaluate(model.Transform(data)).MicroAccuracy);
ml.Model.Save(model, data.Schema, "model.zip");
// --- end ---

// README's layer transfer, on the saved model.
var fewLabelledRows = ml.Data.LoadFromTextFile<Digit>("target.csv", separatorChar: ',', hasHeader: true);
var source = ml.Model.Load("model.zip", out _);
var transfer = ml.TransferLearning().LayerTransfer(source, new LayerTransferOptions
{
    CopiedLayers = 1, FreezeCopiedLayers = true, FineTuneEpochs = 10, L2Sp = new L2SpOptions(), Epochs = 30,
});
var transferred = ml.Transforms.Conversion.MapValueToKey("Label").Append(transfer).Fit(fewLabelledRows);
var targetTest = ml.Data.LoadFromTextFile<Digit>("target-test.csv", separatorChar: ',', hasHeader: true);
double accuracy = ml.MulticlassClassification.Evaluate(transferred.Transform(targetTest)).MicroAccuracy;
Console.WriteLine($"layer transfer, target test accuracy: {accuracy:P1}");
ml.Model.Save(transferred, fewLabelledRows.Schema, "transferred.zip");

// A fresh context loads it with a plain Model.Load and scores identically; a PredictionEngine works.
var fresh = new MLContext();
var reloaded = fresh.Model.Load("transferred.zip", out _);
float[][] Scores(IDataView scored) => scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().ToArray()).ToArray();
var before = Scores(transferred.Transform(targetTest));
var after = Scores(reloaded.Transform(fresh.Data.LoadFromTextFile<Digit>("target-test.csv", separatorChar: ',', hasHeader: true)));
bool identical = before.Length == after.Length && before.Zip(after).All(p => p.First.SequenceEqual(p.Second));
var engine = fresh.Model.CreatePredictionEngine<Digit, Prediction>(reloaded);
var first = ml.Data.CreateEnumerable<Digit>(targetTest, reuseRowObject: false).First();
var prediction = engine.Predict(first);
Console.WriteLine($"reloaded: {(identical ? "identical" : "DIFFERENT")} scores; PredictionEngine: class {first.Label} scored {prediction.Score.Max():P1} at its best class");
if (!identical || accuracy < 0.5 || prediction.Score.Length != 10) return 1;
Console.WriteLine("consumer check: OK");
return 0;

static void WriteDigits(string path, int rows, float shift, int seed)
{
    var prototypes = new Random(7);
    var patterns = Enumerable.Range(0, 10).Select(_ => Enumerable.Range(0, 400).Select(_ => prototypes.NextDouble() < 0.2 ? 1f : 0f).ToArray()).ToArray();
    var random = new Random(seed);
    using var writer = new StreamWriter(path);
    writer.WriteLine("Label," + string.Join(",", Enumerable.Range(0, 400).Select(i => $"p{i}")));
    for (int r = 0; r < rows; r++)
    {
        int label = r % 10;
        var pixels = patterns[label].Select(v => Math.Clamp(v * (1 - shift) + shift + (float)(random.NextDouble() - 0.5) * 0.6f, 0f, 1f));
        writer.WriteLine($"{label}," + string.Join(",", pixels.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
    }
}

public class Digit
{
    [LoadColumn(0)] public string Label { get; set; } = "";
    [LoadColumn(1, 400), VectorType(400)] public float[] Features { get; set; } = [];
}

public class Prediction
{
    public float[] Score { get; set; } = [];
}
