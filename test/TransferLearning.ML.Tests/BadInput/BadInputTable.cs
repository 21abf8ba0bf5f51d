using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Clustering;
using TransferLearning.ML.DomainAdaptation;
using TransferLearning.ML.FineTuning;
using TransferLearning.ML.Metric;
using TransferLearning.ML.MultiTask;
using TransferLearning.ML.Progressive;
using TransferLearning.ML.SelfTaught;
using TransferLearning.ML.Torch.SelfTaught;
using TransferLearning.ML.Torch.Adaptation;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.ZeroShot;

namespace TransferLearning.ML.Tests.BadInput;

/// <summary>
/// One bad input: what it is, how to provoke it, and what the error must say — the column, option
/// or flag at fault and what was expected. <see cref="Provoke"/> returns the exception's type and
/// message (library cases) or "exit 2" and the output (CLI cases).
/// </summary>
public sealed record BadInputCase(string Area, string Case, Func<(string Kind, string Message)> Provoke, string ExpectedKind, params string[] MessageContains)
{
    /// <inheritdoc />
    public override string ToString() => $"{Area}: {Case}";
}

/// <summary>The bad-input cases, across the estimators, the data checks, the transformer and the CLI.</summary>
internal static class BadInputTable
{
    private static readonly Lazy<string> Directory = new(() => TestData.TempDirectory("bad-input"));

    private static readonly Lazy<(MLContext Ml, NetworkTransformer Model)> SmallModel = new(() =>
    {
        var ml = new MLContext(0);
        var model = ml.TransferLearning().NetworkClassifier(new NetworkClassifierOptions { Network = NetworkSpec.Mlp(8), Epochs = 1 }).Fit(Rows(ml));
        return (ml, model);
    });

    public static IEnumerable<BadInputCase> Cases()
    {
        // --- data checks every estimator shares ---
        yield return Library("classifier", "missing feature column", ml => Classifier().Fit(Rows(ml, "Pixels")), "ArgumentOutOfRangeException", "'Features'");
        yield return Library("classifier", "feature column of text", ml => Classifier().Fit(ml.Data.LoadFromEnumerable(new[] { new TextRow() })), "ArgumentOutOfRangeException", "'Features'", "vector of Single");
        yield return Library("classifier", "label that is not a key", ml => Classifier().Fit(ml.Data.LoadFromEnumerable(new[] { new FloatLabelRow() })), "ArgumentOutOfRangeException", "'Label'", "key");
        yield return Library("classifier", "no rows", ml => Classifier().Fit(ml.Data.SkipRows(Rows(ml), 1_000_000)), "InvalidDataException", "no rows");
        yield return Library("classifier", "a NaN feature", ml => Classifier().Fit(Rows(ml, change: (row, f) => { if (row == 3) f[5] = float.NaN; })), "InvalidDataException", "'Features'", "NaN", "row 3", "slot 5");
        yield return Library("classifier", "a feature of 1e38", ml => Classifier().Fit(Rows(ml, change: (row, f) => { if (row == 2) f[0] = 1e38f; })), "InvalidDataException", "'Features'", "row 2", "Scale the column");
        yield return Model("transformer", "Transform of a row whose vector is shorter than its declared size", (ml, model) =>
            model.Transform(ml.Data.LoadFromEnumerable(new[] { new VectorRow { Features = new float[300] } }, SchemaWithVector(ml, 400))).Preview(), "InvalidDataException", "'Features'", "300 values", "400");
        yield return Library("classifier", "a missing label", ml => Classifier().Fit(ml.Transforms.Conversion.MapValueToKey("Label", keyData: ml.Data.LoadFromEnumerable(new[] { new ImageLabel { Label = "0" } }))
            .Fit(TestData.DigitsSmall.ToDataView(ml)).Transform(TestData.DigitsSmall.ToDataView(ml))), "InvalidDataException", "'Label'", "missing at row");

        // --- training options and the loop ---
        yield return Library("training", "Epochs 0", ml => ml.TransferLearning().NetworkClassifier(new NetworkClassifierOptions { Epochs = 0 }), "ArgumentException", "Epochs", "at least 1");
        yield return Library("training", "ValidationFraction 1", ml => ml.TransferLearning().NetworkClassifier(new NetworkClassifierOptions { ValidationFraction = 1 }), "ArgumentException", "ValidationFraction", "[0, 0.9]");
        yield return Library("training", "learning rate 1e6 (divergence)", ml => ml.TransferLearning().NetworkClassifier(new NetworkClassifierOptions
        {
            Network = NetworkSpec.Mlp(16), LearningRate = 1e6, Epochs = 3,
        }).Fit(Rows(ml)), "InvalidOperationException", "diverged", "LearningRate", "1000000", "FailOnDivergence");
        yield return Library("training", "a network that does not fit the input", ml => ml.TransferLearning().NetworkClassifier(new NetworkClassifierOptions
        {
            Network = NetworkSpec.LeNet(1, 10, 10), Epochs = 1,
        }).Fit(Rows(ml)), "ArgumentException", "Network", "[1, 10, 10]", "400");

        // --- the fitted transformer ---
        yield return Model("transformer", "PredictionEngine with a shorter array than the declared size", (ml, model) =>
        {
            var engine = ml.Model.CreatePredictionEngine<VectorRow, ScoreRow>(model, inputSchemaDefinition: SchemaWithVector(ml, 400));
            engine.Predict(new VectorRow { Features = new float[300] });
        }, "InvalidDataException", "'Features'", "300 values", "400");
        yield return Model("transformer", "one PredictionEngine shared by 8 threads", (ml, model) =>
        {
            var engine = ml.Model.CreatePredictionEngine<VectorRow, ScoreRow>(model, inputSchemaDefinition: SchemaWithVector(ml, 400));
            var row = new VectorRow { Features = new float[400] };
            Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
            {
                for (int i = 0; i < 2000; i++) engine.Predict(row);
            });
        }, "InvalidOperationException", "not thread-safe", "one engine per thread", "PredictionEnginePool");
        yield return Library("transformer", "Save after Dispose", ml =>
        {
            var model = ml.TransferLearning().NetworkClassifier(new NetworkClassifierOptions { Network = NetworkSpec.Mlp(4), Epochs = 1 }).Fit(Rows(ml));
            model.Dispose();
            ml.Model.Save(model, Rows(ml).Schema, Path.Combine(Directory.Value, "disposed.zip"));
        }, "ObjectDisposedException", "NetworkTransformer");
        yield return Model("transformer", "a corrupt model file", (ml, model) =>
        {
            string path = Path.Combine(Directory.Value, "corrupt.zip");
            ml.Model.Save(model, Rows(ml).Schema, path);
            var bytes = File.ReadAllBytes(path);
            for (int i = bytes.Length / 2; i < bytes.Length / 2 + 64; i++) bytes[i] ^= 0x5A;
            File.WriteAllBytes(path, bytes);
            new MLContext().Model.Load(path, out _);
        }, "InvalidDataException", "network model", "is corrupt");
        yield return Library("transformer", "a file that is not a model", ml =>
        {
            string path = Path.Combine(Directory.Value, "not-a-model.zip");
            File.WriteAllText(path, "hello");
            ml.Model.Load(path, out _);
        }, "FormatException", "zip archive");

        // --- the method families ---
        yield return Model("layer transfer", "more copied layers than the source has", (ml, model) =>
            ml.TransferLearning().LayerTransfer(model, new LayerTransferOptions { CopiedLayers = 5 }).Fit(Rows(ml)), "ArgumentException", "CopiedLayers", "5");
        yield return Model("layer transfer", "a target whose features differ in size from the source's", (ml, model) =>
            ml.TransferLearning().LayerTransfer(model, new LayerTransferOptions()).Fit(ml.Transforms.Conversion.MapValueToKey("Label")
                .Fit(TestData.DigitsSmall.Resize(10, 10).ToDataView(ml)).Transform(TestData.DigitsSmall.Resize(10, 10).ToDataView(ml))), "ArgumentException", "100", "400");
        yield return Library("domain adaptation", "augmentation on a network without an image shape", ml =>
            ml.TransferLearning().DomainAdversarial(new DomainAdversarialOptions { Network = NetworkSpec.Mlp(8), Augmentation = new AugmentationSettings(), Epochs = 1 })
                .Fit(ml.TransferLearning().CombineDomains(Rows(ml), ml.Transforms.DropColumns("Label").Fit(Rows(ml)).Transform(Rows(ml)))), "ArgumentException", "Augmentation", "InputShape");
        yield return Library("domain adaptation", "no target rows", ml =>
            ml.TransferLearning().DomainAdversarial(new DomainAdversarialOptions { Network = NetworkSpec.Mlp(8), Epochs = 1 })
                .Fit(ml.TransferLearning().CombineDomains(Rows(ml), ml.Data.SkipRows(ml.Transforms.DropColumns("Label").Fit(Rows(ml)).Transform(Rows(ml)), 1_000_000))), "InvalidDataException", "target");
        yield return Library("domain adaptation", "TCA with more components than rows", ml =>
            ml.TransferLearning().TransferComponents(new TransferComponentsOptions { Components = 500 })
                .Fit(ml.TransferLearning().CombineDomains(Rows(ml), ml.Transforms.DropColumns("Label").Fit(Rows(ml)).Transform(Rows(ml)))), "ArgumentException", "Components", "500");
        yield return Library("zero-shot", "a training class missing from the attribute table", ml =>
            ml.TransferLearning().ZeroShotAttributes(new ClassDescriptions(Enumerable.Range(0, 9).Select(c => KeyValuePair.Create(c.ToString(CultureInfo.InvariantCulture), new float[] { c % 2, c % 3 == 0 ? 1 : 0 }))))
                .Fit(Rows(ml)), "ArgumentException|InvalidDataException", "Class '9'", "not in the class description table");
        yield return Library("zero-shot", "class descriptions of different lengths", ml =>
            new ClassDescriptions([KeyValuePair.Create("a", new float[] { 1, 0 }), KeyValuePair.Create("b", new float[] { 1 })]), "ArgumentException", "'b'", "1", "2");
        yield return Library("multitask", "the same label column twice", ml => ml.TransferLearning().MultiTask(["Label", "Label"]), "ArgumentException", "'Label'", "twice");
        yield return Library("multitask", "a label column that is missing", ml => ml.TransferLearning().MultiTask(["Label", "Parity"]).Fit(Rows(ml)), "ArgumentOutOfRangeException", "'Parity'");
        yield return Model("progressive", "a new task whose input size differs", (ml, model) =>
            ml.TransferLearning().ProgressiveColumn(model, new ProgressiveColumnOptions { TaskName = "small" }).Fit(ml.Transforms.Conversion.MapValueToKey("Label")
                .Fit(TestData.DigitsSmall.Resize(10, 10).ToDataView(ml)).Transform(TestData.DigitsSmall.Resize(10, 10).ToDataView(ml))), "ArgumentException", "100", "400");
        yield return Library("metric learning", "embedding size 0", ml => ml.TransferLearning().MetricEmbedding(new MetricEmbeddingOptions { EmbeddingSize = 0 }), "ArgumentException", "EmbeddingSize", "at least 1");
        yield return Library("metric learning", "an empty reference set", ml => ml.TransferLearning().PrototypeClassifier(ml.Data.SkipRows(EmbeddingRows(ml, 4), 1_000)).Fit(EmbeddingRows(ml, 4)), "InvalidDataException", "reference", "no rows");
        yield return Library("metric learning", "an embedding column of another size than the reference's", ml =>
            ml.TransferLearning().PrototypeClassifier(EmbeddingRows(ml, 4)).Fit(EmbeddingRows(ml, 5)).Transform(EmbeddingRows(ml, 5)).Preview(), "ArgumentOutOfRangeException|InvalidDataException|ArgumentException", "'Embedding'", "4");
        yield return Library("few-shot", "more ways than classes", ml => ml.TransferLearning().PrototypicalNetwork(new PrototypicalNetworkOptions { Ways = 20, Shots = 1, Queries = 1, Epochs = 1 }).Fit(Rows(ml)),
            "ArgumentException|InvalidDataException", "Ways", "20", "10");
        yield return Library("few-shot", "a class with fewer rows than shots + queries", ml => ml.TransferLearning().PrototypicalNetwork(new PrototypicalNetworkOptions { Ways = 5, Shots = 15, Queries = 10, Epochs = 1 }).Fit(Rows(ml)),
            "ArgumentException|InvalidDataException", "Shots", "Queries", "20");
        yield return Library("few-shot", "MAML with 0 inner steps", ml => ml.TransferLearning().Maml(new MamlOptions { InnerSteps = 0 }), "ArgumentException", "InnerSteps", "at least 1");
        yield return Library("self-taught", "Corruption 1", ml => ml.TransferLearning().SelfTaughtFeatures(new SelfTaughtFeaturesOptions { Corruption = 1 }), "ArgumentException", "Corruption", "[0, 1)");
        yield return Library("self-taught", "KL sparsity on ReLU codes", ml => ml.TransferLearning().SelfTaughtFeatures(new SelfTaughtFeaturesOptions { Sparsity = SparsityPenalty.KullbackLeibler, CodeActivation = Activation.Relu }),
            "ArgumentException", "CodeActivation", "Sigmoid");
        yield return Library("self-taught", "a code that collapsed", ml => ml.TransferLearning().SelfTaughtFeatures(new SelfTaughtFeaturesOptions
        {
            Encoder = NetworkSpec.Mlp(64), CodeSize = 16, CodeBatchNorm = false, LearningRate = 0.05, Epochs = 5, Reconstruction = ReconstructionLoss.CrossEntropy,
        }).Fit(Rows(ml)), "InvalidOperationException", "code collapsed", "FailOnCollapse");
        yield return Library("clustering", "no auxiliary rows", ml => ml.TransferLearning().SelfTaughtClustering(ml.Data.SkipRows(Rows(ml), 1_000_000), new SelfTaughtClusteringOptions { Clusters = 3 }).Fit(Rows(ml)),
            "InvalidDataException|ArgumentException", "auxiliary", "no rows");
        yield return Library("clustering", "more clusters than rows", ml => ml.TransferLearning().SelfTaughtClustering(Rows(ml), new SelfTaughtClusteringOptions { Clusters = 500 }).Fit(Rows(ml)),
            "ArgumentException|InvalidDataException", "Clusters", "500", "200");
        yield return Library("clustering", "auxiliary features of another size", ml => ml.TransferLearning().SelfTaughtClustering(ml.Transforms.CopyColumns("Features", "Embedding").Fit(EmbeddingRows(ml, 4)).Transform(EmbeddingRows(ml, 4)),
            new SelfTaughtClusteringOptions { Clusters = 3 }).Fit(Rows(ml)),
            "ArgumentException|InvalidDataException|ArgumentOutOfRangeException", "4", "400");
        yield return Library("clustering", "EvaluateClustering without the cluster column", ml => ml.TransferLearning().EvaluateClustering(Rows(ml)), "ArgumentOutOfRangeException|ArgumentException", "'PredictedLabel'");

        // --- the command line ---
        yield return Cli("tlml train", "a ragged CSV row", () => ["train", "--data", Csv("ragged.csv", ragged: 3)], "line 4 has", "values; the header has");
        yield return Cli("tlml train", "a header-only CSV", () => ["train", "--data", HeaderOnly()], "has a header but no data rows");
        yield return Cli("tlml train", "a misspelt --label", () => ["train", "--data", Csv("digits.csv"), "--label", "Lable"], "Label column 'Lable' (--label)", "Did you mean 'Label'?");
        yield return Cli("tlml train", "a --label that matches nothing", () => ["train", "--data", Csv("digits.csv"), "--label", "Species"], "Label column 'Species' (--label)", "Its first columns: 'Label', 'p0'");
        yield return Cli("tlml train", "a missing --data file", () => ["train", "--data", Path.Combine(Directory.Value, "absent.csv")], "absent.csv", "does not exist");
        yield return Cli("tlml train", "an unknown --network", () => ["train", "--data", Csv("digits.csv"), "--network", "resnet:50"], "Unknown network 'resnet:50'", "mlp");
        yield return Cli("tlml train", "--learning-rate 1e6 (divergence)", () => ["train", "--data", Csv("digits.csv"), "--learning-rate", "1e6", "--epochs", "3"], "diverged", "LearningRate", "--keep-diverged");
        yield return Cli("tlml train", "--epochs 0 (checked before the data is read)", () => ["train", "--data", Path.Combine(Directory.Value, "never-read.csv"), "--epochs", "0"],
            "Option Epochs must be at least 1", "(tlml flags: --epochs)");
        yield return Cli("tlml selftaught", "--corruption 1", () => ["selftaught", "--unlabelled", Csv("digits.csv"), "--data", Csv("digits.csv"), "--corruption", "1"],
            "Corruption must be in [0, 1)", "--corruption");
        yield return Cli("tlml predict", "a ragged CSV row", () => ["predict", "--model", SavedCliModel(), "--data", Csv("ragged-predict.csv", ragged: 5)], "line 6 has");
        yield return Cli("tlml predict", "a missing --model", () => ["predict", "--model", Path.Combine(Directory.Value, "absent.zip"), "--data", Csv("digits.csv")], "absent.zip", "does not exist");
        yield return Cli("tlml adapt", "--image-recipe with a dense network (checked before the data is read)", () =>
            ["adapt", "--source", Path.Combine(Directory.Value, "never-read.csv"), "--target", Path.Combine(Directory.Value, "never-read.csv"), "--image-recipe"],
            "--image-recipe needs an image network", "lenet:CxHxW");
        yield return Cli("tlml adapt", "--compare-source-only with --method Tca (checked before the data is read)", () =>
            ["adapt", "--method", "Tca", "--source", Path.Combine(Directory.Value, "never-read.csv"), "--target", Path.Combine(Directory.Value, "never-read.csv"), "--compare-source-only"],
            "--compare-source-only compares a DANN model", "--method Tca");
        yield return Cli("tlml zeroshot", "--calibrate-on without --mode Generalized (checked before the data is read)", () =>
            ["zeroshot", "--data", Path.Combine(Directory.Value, "never-read.csv"), "--table", Path.Combine(Directory.Value, "never-read.csv"), "--calibrate-on", Path.Combine(Directory.Value, "never-read.csv")],
            "--calibrate-on", "--mode Generalized");
        yield return Cli("tlml zeroshot", "--unseen-share without --calibrate-on", () =>
            ["zeroshot", "--data", Path.Combine(Directory.Value, "never-read.csv"), "--mode", "Generalized", "--unseen-share", "0.3"],
            "--unseen-share needs --calibrate-on");
        yield return Cli("tlml adapt", "a target with columns the source lacks", () => ["adapt", "--source", Csv("digits.csv"), "--target", Csv("wider.csv", extraColumns: 2), "--epochs", "1"],
            "--target has 2 column(s) the source does not", "'extra0'");
        yield return Cli("tlml multitask", "a misspelt --labels entry", () => ["multitask", "--data", Csv("digits.csv"), "--labels", "label,Lable"], "(--labels)", "Did you mean 'Label'?");
        yield return Cli("tlml transfer", "a source model that does not exist", () => ["transfer", "--source", Path.Combine(Directory.Value, "absent-source.zip"), "--data", Csv("digits.csv")],
            "absent-source.zip", "does not exist");
        yield return Cli("tlml cluster", "more clusters than rows", () => ["cluster", "--data", Csv("digits.csv"), "-k", "500", "--output", Path.Combine(Directory.Value, "k.zip")], "500", "100");
        yield return Cli("tlml images", "a folder without class subfolders", () => ["images", "--folder", Directory.Value], "no subfolder with images", "one subfolder per class");
        yield return Cli("tlml export", "a file that is not a model", () => ["export", "--model", Csv("digits.csv"), "--onnx", Path.Combine(Directory.Value, "x.onnx")], "zip");
        yield return Cli("tlml predict", "--images for a model trained from a CSV", () => ["predict", "--model", SavedCliModel(), "--images", Directory.Value],
            "cli-model.images.json", "tlml images writes next to its model");
        yield return Cli("tlml demo", "--labels-per-class 0", () => ["demo", "--labels-per-class", "0"], "--labels-per-class must be at least 1");
    }

    private static NetworkClassifierTrainer Classifier() => new MLContext(0).TransferLearning().NetworkClassifier(new NetworkClassifierOptions { Network = NetworkSpec.Mlp(8), Epochs = 1 });

    private static BadInputCase Library(string area, string name, Action<MLContext> action, string kind, params string[] contains) =>
        new(area, name, () => Catch(() => action(new MLContext(0))), kind, contains);

    private static BadInputCase Library(string area, string name, Func<MLContext, object?> action, string kind, params string[] contains) =>
        Library(area, name, ml => { action(ml); }, kind, contains);

    private static BadInputCase Model(string area, string name, Action<MLContext, NetworkTransformer> action, string kind, params string[] contains) =>
        new(area, name, () => Catch(() => action(SmallModel.Value.Ml, SmallModel.Value.Model)), kind, contains);

    private static BadInputCase Model(string area, string name, Func<MLContext, NetworkTransformer, object?> action, string kind, params string[] contains) =>
        Model(area, name, (ml, model) => { action(ml, model); }, kind, contains);

    private static BadInputCase Cli(string area, string name, Func<string[]> args, params string[] contains) =>
        new(area, name, () =>
        {
            var (code, output) = TestData.RunTlml(args());
            return ($"exit {code}", output.Trim());
        }, "exit 2", contains);

    private static (string Kind, string Message) Catch(Action action)
    {
        try
        {
            action();
            return ("no exception", "");
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            return (e.InnerExceptions[0].GetType().Name, e.InnerExceptions[0].Message);
        }
        catch (Exception e)
        {
            // ML.NET calls a model's loader by reflection and wraps what it throws (TargetInvocationException,
            // "Error during class instantiation"): the innermost exception is the loader's own.
            var inner = e;
            bool wrapped = false;
            while (inner is System.Reflection.TargetInvocationException or InvalidOperationException { Message: "Error during class instantiation" } && inner.InnerException is not null)
            {
                inner = inner.InnerException;
                wrapped = true;
            }
            return (inner.GetType().Name, (wrapped ? $"(inside ML.NET's {e.GetType().Name}) " : "") + inner.Message);
        }
    }

    /// <summary>200 keyed digits (or with the feature column renamed, or some values changed).</summary>
    private static IDataView Rows(MLContext ml, string featureName = "Features", Action<int, float[]>? change = null)
    {
        var digits = TestData.DigitsSmall;
        if (change is not null)
            digits = new Datasets.ImageDataset(1, 20, 20, digits.Images.Select((image, row) => { var copy = (float[])image.Clone(); change(row, copy); return copy; }).ToArray(), digits.Labels, digits.ClassNames);
        var keyed = TestData.Keyed(ml, digits);
        return featureName == "Features" ? keyed : ml.Transforms.CopyColumns(featureName, "Features").Append(ml.Transforms.DropColumns("Features")).Fit(keyed).Transform(keyed);
    }

    private static IDataView EmbeddingRows(MLContext ml, int size)
    {
        var random = new Random(size);
        var rows = Enumerable.Range(0, 30).Select(i => new EmbeddingRow { Label = (i % 3).ToString(CultureInfo.InvariantCulture), Embedding = Enumerable.Range(0, size).Select(_ => (float)random.NextDouble()).ToArray() }).ToArray();
        var definition = SchemaDefinition.Create(typeof(EmbeddingRow));
        definition[nameof(EmbeddingRow.Embedding)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        var view = ml.Data.LoadFromEnumerable(rows, definition);
        return ml.Transforms.Conversion.MapValueToKey("Label").Fit(view).Transform(view);
    }

    private static SchemaDefinition SchemaWithVector(MLContext ml, int size)
    {
        var definition = SchemaDefinition.Create(typeof(VectorRow));
        definition[nameof(VectorRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        return definition;
    }

    /// <summary>A digits CSV (Label, p0..p399) of 100 rows; row <paramref name="ragged"/> (1-based) loses its last cell; <paramref name="extraColumns"/> more columns at the end.</summary>
    private static string Csv(string name, int ragged = 0, int extraColumns = 0)
    {
        string path = Path.Combine(Directory.Value, name);
        if (File.Exists(path)) return path;
        var digits = TestData.DigitsSmall;
        var lines = new List<string> { string.Join(",", new[] { "Label" }.Concat(Enumerable.Range(0, 400).Select(i => $"p{i}")).Concat(Enumerable.Range(0, extraColumns).Select(i => $"extra{i}"))) };
        for (int i = 0; i < 100; i++)
        {
            var cells = new[] { digits.ClassNames[digits.Labels[i * 2]] }.Concat(digits.Images[i * 2].Select(v => v.ToString(CultureInfo.InvariantCulture))).Concat(Enumerable.Repeat("0", extraColumns)).ToList();
            if (i + 1 == ragged) cells.RemoveAt(cells.Count - 1);
            lines.Add(string.Join(",", cells));
        }
        File.WriteAllLines(path, lines);
        return path;
    }

    private static string HeaderOnly()
    {
        string path = Path.Combine(Directory.Value, "header-only.csv");
        File.WriteAllText(path, "Label," + string.Join(",", Enumerable.Range(0, 400).Select(i => $"p{i}")) + "\n");
        return path;
    }

    private static string SavedCliModel()
    {
        string path = Path.Combine(Directory.Value, "cli-model.zip");
        if (!File.Exists(path))
        {
            var (code, output) = TestData.RunTlml("train", "--data", Csv("digits.csv"), "--epochs", "1", "--output", path);
            if (code != 0) throw new InvalidOperationException("tlml train failed: " + output);
        }
        return path;
    }

    private sealed class TextRow
    {
        public string Label { get; set; } = "a";

        public string Features { get; set; } = "x";
    }

    private sealed class FloatLabelRow
    {
        public float Label { get; set; }

        [VectorType(2)]
        public float[] Features { get; set; } = [0, 1];
    }

    private sealed class ImageLabel
    {
        public string Label { get; set; } = "";
    }

    private sealed class VectorRow
    {
        public float[] Features { get; set; } = [];
    }

    private sealed class ScoreRow
    {
        public float[] Score { get; set; } = [];
    }

    private sealed class EmbeddingRow
    {
        public string Label { get; set; } = "";

        public float[] Embedding { get; set; } = [];
    }
}
