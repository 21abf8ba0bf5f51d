using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Torch.Transfer;
using TransferLearning.ML.DomainAdaptation;
using TransferLearning.ML.FineTuning;
using TransferLearning.ML.Clustering;
using TransferLearning.ML.Metric;
using TransferLearning.ML.SelfTaught;
using TransferLearning.ML.Torch.SelfTaught;
using TransferLearning.ML.MultiTask;
using TransferLearning.ML.Progressive;
using TransferLearning.ML.Torch.Adaptation;
using TransferLearning.ML.Torch.Metric;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.ZeroShot;
using TransferLearning.ML.Onnx;

namespace TransferLearning.ML.Tests;

/// <summary>The README's code, line for line, so that it keeps working.</summary>
[TestClass]
public sealed class ReadmeExamplesTests
{
    [TestMethod]
    public void QuickStart()
    {
        var directory = TestData.TempDirectory("readme");
        var digits = TestData.DigitsTrain;
        File.WriteAllLines(Path.Combine(directory, "digits.csv"),
            new[] { "Label," + string.Join(",", Enumerable.Range(0, 400).Select(i => $"p{i}")) }.Concat(Enumerable.Range(0, digits.Count)
                .Select(i => digits.ClassNames[digits.Labels[i]] + "," + string.Join(",", digits.Images[i].Select(v => v.ToString(CultureInfo.InvariantCulture))))));
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = directory;
        try
        {
            var output = new StringWriter();
            var console = Console.Out;
            Console.SetOut(output);
            try
            {
                // --- README ---
                var ml = new MLContext(seed: 0);
                var data = ml.Data.LoadFromTextFile<Digit>("digits.csv", separatorChar: ',', hasHeader: true);
                var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
                    .Append(ml.TransferLearning().NetworkClassifier(network: NetworkSpec.Mlp(128), epochs: 10));
                var model = pipeline.Fit(data);
                Console.WriteLine(ml.MulticlassClassification.Evaluate(model.Transform(data)).MicroAccuracy);
                ml.Model.Save(model, data.Schema, "model.zip");
                // --- end ---
            }
            finally
            {
                Console.SetOut(console);
            }
            Assert.IsGreaterThan(0.9, double.Parse(output.ToString(), CultureInfo.CurrentCulture), "training accuracy");
            Assert.IsTrue(File.Exists(Path.Combine(directory, "model.zip")));

            // --- README: loading a saved model ---
            var ml2 = new MLContext();
            var loaded = ml2.Model.Load("model.zip", out var inputSchema);   // no registration call needed
            // --- end ---
            Assert.IsNotNull(inputSchema.GetColumnOrNull("Features"));
            Assert.IsNotNull(loaded.GetOutputSchema(inputSchema).GetColumnOrNull("PredictedLabel"));
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    [TestMethod]
    public void LayerTransfer()
    {
        var ml = new MLContext(0);
        var sourceData = TestData.DigitsTrain.WithClasses(0, 1, 2, 3, 4).ToDataView(ml);
        var sourceModel = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.TransferLearning().NetworkClassifier(network: NetworkSpec.Mlp(64, 32), epochs: 3)).Fit(sourceData);
        var directory = TestData.TempDirectory("readme");
        ml.Model.Save(sourceModel, sourceData.Schema, Path.Combine(directory, "source.zip"));
        var fewLabelledRows = TestData.DigitsSmall.WithClasses(5, 6, 7, 8, 9).ToDataView(ml);
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = directory;
        try
        {
            // --- README ---
            var source = ml.Model.Load("source.zip", out _);          // or the fitted source transformer itself
            var transfer = ml.TransferLearning().LayerTransfer(source, new LayerTransferOptions
            {
                CopiedLayers = 2,            // the first 2 blocks (null: every block, i.e. all but the head)
                FreezeCopiedLayers = true,   // fixed in the first phase (batch-norm statistics included)...
                FineTuneEpochs = 10,         // ...then everything trains at LearningRate x FineTuneLearningRateMultiplier (0.1)
                L2Sp = new L2SpOptions(),    // alpha/2 |w - w_source|^2 + beta/2 |w_new|^2, alpha 0.1, beta 0.01 (Li et al. 2018)
                Epochs = 30,
            });
            var model = ml.Transforms.Conversion.MapValueToKey("Label").Append(transfer).Fit(fewLabelledRows);

            var fineTuned = ml.TransferLearning().FineTune(source, epochs: 20);   // copy every block, freeze nothing
            // --- end ---
            Assert.AreEqual(40, model.LastTransformer.TrainingReport!.Epochs.Count);
            Assert.IsNotNull(fineTuned);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }

    [TestMethod]
    public void MultiTaskAndProgressive()
    {
        var ml = new MLContext(0);
        Document Doc(int i, Random random)
        {
            var x = Enumerable.Range(0, 6).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
            return new Document { Features = x, Corn = i % 4 == 3 ? "" : x[0] > 0 ? "yes" : "no", Grain = x[0] + x[1] > 0 ? "yes" : "no" };
        }
        var random = new Random(1);
        var documents = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 200).Select(i => Doc(i, random)).ToArray());
        var testDocuments = ml.Data.LoadFromEnumerable(Enumerable.Range(0, 100).Select(i => Doc(i, random)).ToArray());

        // --- README ---
        var model = ml.Transforms.Conversion.MapValueToKey("Corn")
            .Append(ml.Transforms.Conversion.MapValueToKey("Grain"))
            .Append(ml.TransferLearning().MultiTask(new MultiTaskOptions
            {
                LabelColumnNames = ["Corn", "Grain"],
                Network = NetworkSpec.Mlp(64),
                Epochs = 20,
            }))
            .Fit(documents);
        var scored = model.Transform(testDocuments);
        var corn = ml.MulticlassClassification.Evaluate(scored, "Corn", "Score.Corn", "PredictedLabel.Corn");
        // --- end ---
        Assert.IsGreaterThan(0.6, corn.MicroAccuracy);

        IDataView Keyed(Datasets.ImageDataset d) => TestData.Keyed(ml, d);
        var digitRows = Keyed(TestData.DigitsSmall.WithClasses(0, 1, 2, 3, 4));
        var letterRows = Keyed(TestData.DigitsSmall.WithClasses(5, 6, 7, 8, 9));
        // --- README ---
        var digits = ml.TransferLearning().NetworkClassifier(network: NetworkSpec.Mlp(32, 16)).Fit(digitRows);
        var both = ml.TransferLearning().ProgressiveColumn(digits, new ProgressiveColumnOptions { TaskName = "Letters", Epochs = 20 }).Fit(letterRows);
        // both writes Score / PredictedLabel (the digits, unchanged) and Score.Letters / PredictedLabel.Letters.
        // --- end ---
        var schema = both.GetOutputSchema(digitRows.Schema);
        foreach (var column in new[] { "Score", "PredictedLabel", "Score.Letters", "PredictedLabel.Letters" }) Assert.IsNotNull(schema.GetColumnOrNull(column), column);
    }

    [TestMethod]
    public void MetricEmbedding()
    {
        var ml = new MLContext(0);
        IDataView Keyed(Datasets.ImageDataset d) => TestData.Keyed(ml, d);
        var seenClassRows = Keyed(TestData.DigitsSmall.WithClasses(0, 1, 2, 3, 4, 5, 6));
        var newClassRows = TestData.DigitsSmall.WithClasses(7, 8, 9).ToDataView(ml);
        // --- README ---
        var embedder = ml.TransferLearning().MetricEmbedding(new MetricEmbeddingOptions
        {
            Loss = MetricLoss.Triplet, Mining = TripletMining.BatchHard, Margin = 0.2,
            ClassesPerBatch = 7, RowsPerClass = 4, EmbeddingSize = 16, Network = NetworkSpec.Mlp(64), Epochs = 15,
        }).Fit(seenClassRows);
        var embedded = embedder.Transform(newClassRows);   // adds Embedding, unit length
        // --- end ---
        Assert.HasCount(60, embedded.GetColumn<float[]>("Embedding").ToArray());
    }

    [TestMethod]
    public void PretrainedBackbone()
    {
        var ml = new MLContext(0);
        var directory = TestData.TempDirectory("readme-images");
        var digits = TestData.DigitsTrain;
        var chosen = Enumerable.Range(0, 2).SelectMany(c => Enumerable.Range(0, digits.Count).Where(i => digits.Labels[i] == c).Take(8));
        var files = chosen.Select(i =>
        {
            string path = Path.Combine(directory, $"{i}.png");
            TestData.WritePng(path, digits.Images[i], digits.Width, digits.Height, tint: [1f, 0.8f, 0.6f]);
            return new ImagePath { Path = path, Label = digits.ClassNames[digits.Labels[i]] };
        }).ToArray();
        var imageRows = ml.Data.LoadFromEnumerable(files);
        // --- README ---
        var backbone = ml.TransferLearning().ImportOnnx(ImageBackbones.ResNet18());
        var pipeline = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.Transforms.LoadImages("Image", imageFolder: null, inputColumnName: "Path"))
            .Append(ml.Transforms.ResizeImages("Image", 224, 224))
            .Append(ml.Transforms.ExtractPixels("Features", "Image"))        // planar RGB in [0, 255]
            .Append(ml.TransferLearning().LayerTransfer(backbone, new LayerTransferOptions
            {
                FrozenLayers = 7,                            // preprocessing, stem and the first blocks keep ImageNet's weights
                CopiedLayersLearningRateMultiplier = 0.1,    // the last blocks fine-tune at a tenth of the new head's rate
                Epochs = 5,
            }));
        var model = pipeline.Fit(imageRows);                 // rows of (Path, Label)
        // --- end ---
        double accuracy = ml.MulticlassClassification.Evaluate(model.Transform(imageRows)).MicroAccuracy;
        Assert.IsGreaterThan(0.8, accuracy, $"16 training images of two digits, learnt: {accuracy:P0}");
        var pixels = model.Transform(imageRows).GetColumn<float[]>("Features").First();
        Assert.AreEqual(3 * 224 * 224, pixels.Length);
        Assert.IsTrue(pixels.Max() > 1, "ExtractPixels' defaults give values in [0, 255], as the backbone expects");
        backbone.Dispose();
        model.LastTransformer.Dispose();
    }

    private sealed class ImagePath
    {
        public string Path { get; set; } = "";

        public string Label { get; set; } = "";
    }

    [TestMethod]
    public void SelfTaught()
    {
        var ml = new MLContext(0);
        var unlabelledRows = TestData.DigitsTrain.SplitPerClass(100, seed: 5).Selected.ToDataView(ml);
        var fewLabelledRows = TestData.Keyed(ml, TestData.DigitsTrain.SplitPerClass(10, seed: 9).Selected);
        // --- README ---
        var encoder = ml.TransferLearning().SelfTaughtFeatures(new SelfTaughtFeaturesOptions
        {
            Encoder = NetworkSpec.Mlp(128), CodeSize = 32, Reconstruction = ReconstructionLoss.CrossEntropy,
            Corruption = 0.2, Sparsity = SparsityPenalty.KullbackLeibler, SparsityWeight = 0.01, Epochs = 8,
        }).Fit(unlabelledRows);
        var classifier = ml.Transforms.NormalizeMinMax("SelfTaughtFeatures").AppendCacheCheckpoint(ml)   // SDCA makes many passes: encode once
            .Append(ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(featureColumnName: "SelfTaughtFeatures"))
            .Fit(encoder.Transform(fewLabelledRows));
        var tuned = ml.TransferLearning().LayerTransfer(encoder, epochs: 50, learningRate: 0.01).Fit(fewLabelledRows);

        var convolutional = ml.TransferLearning().SelfTaughtFeatures(new SelfTaughtFeaturesOptions
        {
            Encoder = new NetworkSpec { InputShape = [1, 20, 20], Layers = [new ConvolutionLayerSpec(16, 3) { Padding = 1 }, new ConvolutionLayerSpec(32, 3) { Padding = 1 }] },
            CodeSize = 64, Reconstruction = ReconstructionLoss.CrossEntropy, Corruption = 0.2, Epochs = 5,
        }).Fit(unlabelledRows);
        var fineTuned = ml.TransferLearning().FineTune(convolutional, epochs: 50, learningRate: 0.003).Fit(fewLabelledRows);
        // --- end ---
        var test = TestData.Keyed(ml, TestData.DigitsTest);
        Assert.IsGreaterThan(0.5, ml.MulticlassClassification.Evaluate(classifier.Transform(encoder.Transform(test))).MicroAccuracy);
        Assert.IsNotNull(tuned.Transform(test).Schema.GetColumnOrNull("PredictedLabel"));
        double convolutionalAccuracy = ml.MulticlassClassification.Evaluate(fineTuned.Transform(test)).MicroAccuracy;
        Assert.IsGreaterThan(0.6, convolutionalAccuracy, $"fine-tuned convolutional encoder, 100 labels: {convolutionalAccuracy:P1}");
        fineTuned.Dispose();
        convolutional.Dispose();
        tuned.Dispose();
        encoder.Dispose();
    }

    [TestMethod]
    public void SelfTaughtClustering()
    {
        var ml = new MLContext(0);
        var targetRows = Clustering.SelfTaughtClusteringTests.Planted(ml, 30, 1);
        var auxiliaryRows = Clustering.SelfTaughtClusteringTests.Planted(ml, 300, 2);
        // --- README ---
        var clusters = ml.TransferLearning().SelfTaughtClustering(auxiliaryRows, new SelfTaughtClusteringOptions { Clusters = 3, FeatureClusters = 3 })
            .Fit(targetRows);
        ClusteringAgreementMetrics agreement = ml.TransferLearning().EvaluateClustering(clusters.Transform(targetRows));
        // --- end ---
        Assert.AreEqual(1.0, agreement.MatchedAccuracy);
        clusters.Dispose();
    }

    [TestMethod]
    public void FewShot()
    {
        var ml = new MLContext(0);
        var trainingClassRows = Metric.FewShotBlobs.Create(ml, 0, 40, 20, seed: 1);
        var fewRowsOfNewClasses = Metric.FewShotBlobs.Create(ml, 100, 10, 5, seed: 3);
        var otherRowsOfNewClasses = Metric.FewShotBlobs.Create(ml, 100, 10, 20, seed: 2);
        var fiveClassSupportRows = Metric.FewShotBlobs.Create(ml, 100, 5, 1, seed: 4);
        // --- README ---
        var proto = ml.TransferLearning().PrototypicalNetwork(new PrototypicalNetworkOptions
        {
            Ways = 10, Shots = 5, Queries = 5, EpisodesPerEpoch = 30, Epochs = 5,
            Network = NetworkSpec.Mlp(32), EmbeddingSize = 8, Support = fewRowsOfNewClasses,
        }).Fit(trainingClassRows);
        var metrics = ml.MulticlassClassification.Evaluate(proto.Transform(otherRowsOfNewClasses));

        // N-way K-shot accuracy over 100 episodes of the new classes, with its 95 % confidence interval.
        FewShotMetrics fewShot = ml.TransferLearning().EvaluateFewShot(proto.Transform(otherRowsOfNewClasses), ways: 5, shots: 1);
        // Leave-one-out retrieval: Precision@1, R-precision and MAP@R (Musgrave et al. 2020).
        RetrievalMetrics retrieval = ml.TransferLearning().EvaluateRetrieval(proto.Transform(otherRowsOfNewClasses));

        using MamlModel maml = ml.TransferLearning().Maml(new MamlOptions { Ways = 5, Shots = 1, Network = NetworkSpec.Mlp(32) }).MetaTrain(trainingClassRows);
        using var classifier = maml.Adapt(fiveClassSupportRows);   // Score, PredictedLabel over the support's 5 classes
        // --- end ---
        Assert.IsGreaterThan(0.9, metrics.MicroAccuracy);
        Assert.IsGreaterThan(0.9, fewShot.Accuracy);
        Assert.IsGreaterThan(0.5, retrieval.PrecisionAt1);
        Assert.IsNotNull(classifier.GetOutputSchema(fiveClassSupportRows.Schema).GetColumnOrNull("PredictedLabel"));
        proto.Dispose();
    }

    private sealed class Document
    {
        [VectorType(6)]
        public float[] Features { get; set; } = [];

        public string Corn { get; set; } = "";

        public string Grain { get; set; } = "";
    }

    [TestMethod]
    public void DannAndTca()
    {
        var ml = new MLContext(0);
        var sourceRows = ml.Data.LoadFromEnumerable(Tests.DomainAdaptation.ShiftedBlobs.Make(200, false, 1));
        var targetRows = ml.Data.LoadFromEnumerable(Tests.DomainAdaptation.ShiftedBlobs.Make(200, true, 2)
            .Select(r => new Tests.DomainAdaptation.ShiftedBlobs.Unlabelled { Features = r.Features }).ToArray());
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        try
        {
            // --- README ---
            var combined = ml.TransferLearning().CombineDomains(sourceRows, targetRows);   // adds IsTarget
            var dann = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.TransferLearning().DomainAdversarial(new DomainAdversarialOptions
                {
                    Network = NetworkSpec.Mlp(128),      // feature extractor; the head is the label predictor
                    Epochs = 30,
                    ValidationFraction = 0.1,            // source rows held out: epoch selection never sees a target label
                    SelectionCriterion = SelectionCriterion.SourceErrorPlusDomainDistance,
                }))
                .Fit(combined);
            var report = dann.LastTransformer.TrainingReport!;  // per epoch: label, domain, domain-accuracy, lambda
            Console.WriteLine(report.Metrics[DomainAdversarialTrainer.ProxyADistanceAfter]);

            var tca = ml.TransferLearning().TransferComponents(components: 30)
                .Append(ml.Transforms.Conversion.MapValueToKey("Label"))
                .Fit(combined);
            var sourceRowsOnly = ml.Data.FilterRowsByMissingValues(tca.Transform(combined), "Label");
            var classifier = ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("Label", "TransferComponents").Fit(sourceRowsOnly);
            // --- end ---
            Assert.HasCount(30, report.Epochs);
            Assert.IsNotNull(classifier);
        }
        finally
        {
            Console.SetOut(console);
        }
        Assert.IsTrue(double.TryParse(output.ToString(), CultureInfo.CurrentCulture, out _));
    }

    [TestMethod]
    public void ZeroShot()
    {
        var ml = new MLContext(0);
        var (zooTable, seenNames, unseenNames, rows) = Tests.ZeroShot.ZeroShotTests.ZooSetup(ml);
        var directory = TestData.TempDirectory("readme");
        File.WriteAllLines(Path.Combine(directory, "classes.csv"), zooTable.Names.Select(n =>
            n + "," + string.Join(",", zooTable[n].Select(v => v.ToString(CultureInfo.InvariantCulture)))));
        var seenRows = rows(seenNames, 5, 1);
        var unseenRows = rows(unseenNames, 5, 2);
        var seenClassifier = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.TransferLearning().NetworkClassifier(epochs: 2)).Fit(seenRows);
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = directory;
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        try
        {
            // --- README ---
            var table = ClassDescriptions.FromCsv("classes.csv");            // name, then the class's values
            var zsl = ml.Transforms.Conversion.MapValueToKey("Label")
                .Append(ml.TransferLearning().ZeroShotAttributes(table, epochs: 20))
                .Fit(seenRows);
            var metrics = ml.TransferLearning().EvaluateZeroShot(zsl.Transform(unseenRows), "Label", k: 2);
            Console.WriteLine($"top-1 {metrics.Top1Accuracy:P1}, hit@2 {metrics.HitAtK:P1}");

            // ConSE turns any multiclass model over the seen classes into a zero-shot one:
            var conse = ml.TransferLearning().ConSE(table, topCount: 10).Fit(seenClassifier.Transform(unseenRows));
            // --- end ---
            Assert.AreEqual(unseenNames.Length, conse.ClassLists["candidates"].Count);
        }
        finally
        {
            Console.SetOut(console);
            Environment.CurrentDirectory = previous;
        }
        StringAssert.StartsWith(output.ToString(), "top-1 ");
    }

    [TestMethod]
    public void ConSECalibration()
    {
        var ml = new MLContext(0);
        var (table, seenNames, unseenNames, makeRows) = Tests.ZeroShot.ZeroShotTests.ZooSetup(ml);
        var seenRows = makeRows(seenNames, 10, 1);
        var seenClassifier = ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.TransferLearning().NetworkClassifier(epochs: 20)).Fit(seenRows);
        var rows = makeRows(seenNames.Concat(unseenNames).ToArray(), 5, 3);

        // --- README ---
        // ConSE's classifier is yours, so say how to train it: each of 3 splits trains one without some seen classes.
        double penalty = ml.TransferLearning().ChooseConSEPenalty(seenRows,
            fitClassifier: part => ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.TransferLearning().NetworkClassifier(epochs: 20)).Fit(part),
            new ConSEOptions { ClassDescriptions = table });
        var gzsl = ml.TransferLearning().ConSE(new ConSEOptions { ClassDescriptions = table, Mode = ZeroShotMode.Generalized, SeenClassPenalty = penalty })
            .Fit(seenClassifier.Transform(rows));
        // --- end ---
        var metrics = ml.TransferLearning().EvaluateZeroShot(gzsl.Transform(seenClassifier.Transform(rows)), "Label", seenClasses: seenNames);
        Assert.IsNotNull(metrics.HarmonicMean);
        Assert.IsTrue(double.IsFinite(penalty));
        Assert.AreEqual(seenNames.Length + unseenNames.Length, gzsl.ClassLists["candidates"].Count);
    }

    [TestMethod]
    public void CalibrationToAnUnseenShare()
    {
        var ml = new MLContext(0);
        var (table, seenNames, unseenNames, makeRows) = Tests.ZeroShot.ZeroShotTests.ZooSetup(ml);
        var seenRows = ml.Transforms.Conversion.MapValueToKey("Label").Fit(makeRows(seenNames, 10, 1)).Transform(makeRows(seenNames, 10, 1));
        var rowsToScore = makeRows(seenNames.Concat(unseenNames).ToArray(), 5, 3);

        // --- README ---
        // Transductive: the rows to label are at hand, and about 30 % of them are expected to be of unseen classes.
        using var model = ml.TransferLearning().ZeroShotAttributes(new ZeroShotAttributeOptions
            { ClassDescriptions = table, Mode = ZeroShotMode.Generalized, SeenClassPenalty = 0 }).Fit(seenRows);
        using var calibrated = ml.TransferLearning().CalibrateToUnseenShare(model, rowsToScore, unseenShare: 0.3);
        Console.WriteLine($"seen-class penalty {CalibratedStacking.SeenClassPenalty(calibrated):F3}");
        var predictions = calibrated.Transform(rowsToScore);
        // --- end ---
        var metrics = ml.TransferLearning().EvaluateZeroShot(predictions, "Label", seenClasses: seenNames);
        Assert.IsNotNull(metrics.HarmonicMean);
        Assert.AreNotEqual(0, CalibratedStacking.SeenClassPenalty(calibrated));
    }

    [TestMethod]
    public void ComparingWithSourceOnly()
    {
        var ml = new MLContext(0);
        var combined = Tests.DomainAdaptation.ShiftedBlobs.Combined(ml, 200);
        var targetRows = ml.Data.LoadFromEnumerable(Tests.DomainAdaptation.ShiftedBlobs.Make(200, target: true, seed: 5)
            .Select(r => new Tests.DomainAdaptation.ShiftedBlobs.Unlabelled { Features = r.Features }));

        // --- README ---
        // SourceOnly(): the same options with λ = 0 and no target-side losses, the twin to compare with.
        var options = new DomainAdversarialOptions { Network = NetworkSpec.Mlp(32), Epochs = 10 };   // or DomainAdversarialOptions.ForImages(...)
        var adapted = ml.TransferLearning().DomainAdversarial(options).Fit(combined);
        var sourceOnly = ml.TransferLearning().DomainAdversarial(options.SourceOnly()).Fit(combined);
        var check = ml.TransferLearning().CompareWithSourceOnly(adapted, sourceOnly, targetRows);
        Console.WriteLine($"agreement {check.Agreement:P1}, on the source-only model's surest quarter {check.ConfidentAgreement:P1}");
        var chosen = check.Warnings.Count == 0 ? adapted : sourceOnly;   // or check a few labelled target rows
        // --- end ---
        Assert.AreEqual(200, check.Rows);
        Assert.IsNotNull(chosen.Transform(targetRows).Schema.GetColumnOrNull("Score"));
        Assert.IsTrue(check.Agreement is >= 0 and <= 1);
        adapted.Dispose();
        sourceOnly.Dispose();
    }

    public sealed class Digit
    {
        [LoadColumn(0)] public string Label { get; set; } = "";
        [LoadColumn(1, 400), VectorType(400)] public float[] Features { get; set; } = [];
    }
}
