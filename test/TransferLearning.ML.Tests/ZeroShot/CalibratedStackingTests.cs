using Microsoft.ML;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.ZeroShot;

namespace TransferLearning.ML.Tests.ZeroShot;

[TestClass]
public sealed class CalibratedStackingTests
{
    [TestMethod]
    public void TheCurveFollowsTheMarginsOfHandMadeScores()
    {
        // Candidates: seen a, b; unseen u. Margin = best seen − best unseen.
        string[] candidates = ["a", "b", "u"];
        var rows = new (float[] Scores, string Truth)[]
        {
            ([0.9f, 0.1f, 0.5f], "a"), // margin 0.4, seen winner right
            ([0.2f, 0.6f, 0.1f], "b"), // margin 0.5, right
            ([0.7f, 0.1f, 0.6f], "u"), // margin 0.1, unseen winner right
            ([0.8f, 0.1f, 0.2f], "u"), // margin 0.6, right once the penalty passes 0.6
        };
        var curve = SeenUnseenCurve.Compute(rows, candidates, new HashSet<string> { "a", "b" });
        // Start: every row to a seen class (seen 1, unseen 0); each margin passed moves one row.
        double[] seen = [1, 1, 0.5, 0, 0], unseen = [0, 0.5, 0.5, 0.5, 1];
        Assert.HasCount(5, curve);
        for (int i = 0; i < curve.Count; i++)
        {
            Assert.AreEqual(seen[i], curve[i].SeenAccuracy, 1e-9, $"point {i}");
            Assert.AreEqual(unseen[i], curve[i].UnseenAccuracy, 1e-9, $"point {i}");
        }
        Assert.AreEqual(0.25, curve[1].Penalty, 1e-6, "between the margins 0.1 and 0.4");
        CollectionAssert.AreEqual(new[] { 0, 0.25, 0.5, 0.75, 1 }, curve.Select(p => p.PredictedUnseenShare).ToArray(), "each margin passed gives one more row to the unseen side");
        Assert.IsTrue(curve.All(p => p.TrueUnseenShare == 0.5), "2 of the 4 rows are of the unseen class");
        Assert.AreEqual(0.5, CalibratedStacking.UnseenShareRatio([curve], 0.25), 1e-12, "at 0.25 the unseen side gets 1 row of its 2");
        Assert.IsLessThan(0.1, curve[0].Penalty);
        // Trapezoids: (0.5−0)·(1+1)/2 + 0 + (1−0.5)·(0+0)/2 = 0.5.
        Assert.AreEqual(0.5, SeenUnseenCurve.Area(curve), 1e-9);
        var best = SeenUnseenCurve.Best(curve);
        Assert.AreEqual(2.0 / 3, best.HarmonicMean, 1e-9, "seen 1, unseen 0.5");
        Assert.AreEqual(0.25, best.Penalty, 1e-6);

        Assert.Throws<ArgumentException>(() => SeenUnseenCurve.Compute(rows, candidates, new HashSet<string> { "a", "b", "u" }));
        Assert.Throws<ArgumentException>(() => SeenUnseenCurve.Compute(rows.Take(2).ToArray(), candidates, new HashSet<string> { "a", "b" }));

        // Offsets in a spec are checked like the rest of it.
        var wrongLength = new TransferLearning.ML.Torch.Models.CandidateScoresSpec("scores", null, 3, TransferLearning.ML.Torch.Models.CandidateMatching.Dot) { Offsets = [1f] };
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => wrongLength.OutputSize(4)).Message, "one finite value per candidate (3); it has 1");
        var notFinite = new TransferLearning.ML.Torch.Models.CandidateScoresSpec("scores", null, 2, TransferLearning.ML.Torch.Models.CandidateMatching.Dot) { Offsets = [1f, float.NaN] };
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => notFinite.OutputSize(4)).Message, "not all finite");
    }

    [TestMethod]
    public void SeveralSplitsKeepThePenaltyOfTheBestMeanHarmonicMean()
    {
        // Split A is best at 0.25 (H 2/3), split B at 0.5 (H 0.8). Read at each other's points (a curve holds
        // its last point at or below a penalty), the mean is highest at 0.5: (0.5 + 0.8) / 2 = 0.65.
        SeenUnseenPoint[] a = [new(-1, 1, 0), new(0.25, 1, 0.5), new(0.45, 0.5, 0.5), new(0.55, 0, 0.5)];
        SeenUnseenPoint[] b = [new(-1, 1, 0), new(0.3, 0.9, 0.2), new(0.5, 0.8, 0.8), new(0.7, 0, 1)];
        Assert.AreEqual(0.5, CalibratedStacking.ChoosePenalty([a, b]), 1e-12);
        Assert.AreEqual(SeenUnseenCurve.Best(a).Penalty, CalibratedStacking.ChoosePenalty([a]), 1e-12, "one split: its own best point");
        Assert.AreEqual(SeenUnseenCurve.Best(b).Penalty, CalibratedStacking.ChoosePenalty([b]), 1e-12);

        // The public overload reads the curves of EvaluateZeroShot's metrics and names a split without one.
        Assert.AreEqual(0.5, CalibratedStacking.ChoosePenalty([new ZeroShotMetrics { SeenUnseenCurve = a }, new ZeroShotMetrics { SeenUnseenCurve = b }]), 1e-12);
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => CalibratedStacking.ChoosePenalty([new ZeroShotMetrics { SeenUnseenCurve = a }, new ZeroShotMetrics()])).Message,
            "Calibration split 1 has no seen-unseen curve");
        Assert.Throws<ArgumentException>(() => CalibratedStacking.ChoosePenalty(Array.Empty<ZeroShotMetrics>()));
    }

    [TestMethod]
    public void AConSEPenaltyMovesAlongTheCurveOfTheUncalibratedModel()
    {
        var ml = new MLContext(0);
        var (table, seen, unseen, rows) = ZeroShotTests.ZooSetup(ml);
        var classifier = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.TransferLearning().NetworkClassifier(network: NetworkSpec.Mlp(64), epochs: 30)).Fit(rows(seen, 10, 1));
        var test = classifier.Transform(rows(seen.Take(6).Concat(unseen).ToArray(), 10, 3));
        var plain = ml.TransferLearning().ConSE(new ConSEOptions { ClassDescriptions = table, TopCount = 3, Mode = ZeroShotMode.Generalized }).Fit(test);
        var before = ml.TransferLearning().EvaluateZeroShot(plain.Transform(test), "Label", seenClasses: seen);
        var curve = before.SeenUnseenCurve!;
        Assert.AreEqual(before.SeenAccuracy!.Value, curve[0].SeenAccuracy, 1e-9, "with no penalty every row the seen classes win stays theirs");
        Assert.AreEqual(0, curve[^1].SeenAccuracy, 1e-9, "with the largest penalty no row goes to a seen class");
        Assert.IsTrue(curve.Zip(curve.Skip(1)).All(p => p.Second.SeenAccuracy <= p.First.SeenAccuracy + 1e-12 && p.Second.UnseenAccuracy >= p.First.UnseenAccuracy - 1e-12),
            "seen accuracy falls and unseen accuracy rises with the penalty");

        var point = curve[curve.Count / 2];
        var calibrated = ml.TransferLearning().ConSE(new ConSEOptions
        {
            ClassDescriptions = table, TopCount = 3, Mode = ZeroShotMode.Generalized, SeenClassPenalty = point.Penalty,
        }).Fit(test);
        var after = ml.TransferLearning().EvaluateZeroShot(calibrated.Transform(test), "Label", seenClasses: seen);
        Assert.AreEqual(point.SeenAccuracy, after.SeenAccuracy!.Value, 1e-9, "the calibrated model sits at that point of the curve");
        Assert.AreEqual(point.UnseenAccuracy, after.UnseenAccuracy!.Value, 1e-9);
        Assert.AreEqual(before.Ausuc!.Value, after.Ausuc!.Value, 1e-6, "a constant shift moves along the curve, not the curve");

        // The penalty is in the model: the seen slots are shifted by exactly it, the unseen ones not at all.
        var candidates = plain.ClassLists["candidates"];
        var a = TestData.Scores(ml, plain.Transform(test));
        var b = TestData.Scores(ml, calibrated.Transform(test));
        for (int c = 0; c < candidates.Count; c++)
            Assert.AreEqual(seen.Contains(candidates[c]) ? point.Penalty : 0, a[0][c] - b[0][c], 1e-5, candidates[c]);
        Assert.Throws<ArgumentException>(() => ml.TransferLearning().ConSE(new ConSEOptions { ClassDescriptions = table, SeenClassPenalty = double.PositiveInfinity }));
    }

    [TestMethod]
    public void ConSEPenaltyIsChosenOnClassifiersThatNeverSawTheirStandIns()
    {
        var ml = new MLContext(0);
        var (table, seen, unseen, rows) = ZeroShotTests.ZooSetup(ml);
        var seenRows = rows(seen, 10, 1);
        var trainedOn = new List<string[]>();
        ITransformer Fit(IDataView part)
        {
            trainedOn.Add(ml.Data.CreateEnumerable<LabelRow>(part, reuseRowObject: false).Select(r => r.Label).Distinct().Order().ToArray());
            return ml.Transforms.Conversion.MapValueToKey("Label").Append(ml.TransferLearning().NetworkClassifier(network: NetworkSpec.Mlp(64), epochs: 20)).Fit(part);
        }
        double penalty = ml.TransferLearning().ChooseConSEPenalty(seenRows, Fit, new ConSEOptions { ClassDescriptions = table, TopCount = 3 });
        Assert.HasCount(3, trainedOn, "one classifier a split");
        int heldOut = (int)Math.Round(0.3 * seen.Length);
        foreach (var classes in trainedOn) Assert.HasCount(seen.Length - heldOut, classes, "each split's classifier misses its stand-ins");
        var standIns = trainedOn.Select(c => string.Join(",", seen.Except(c).Order())).ToArray();
        Assert.AreEqual(3, standIns.Distinct().Count(), "the splits hold out different classes");
        Assert.IsTrue(double.IsFinite(penalty));
        trainedOn.Clear();
        Assert.AreEqual(penalty, ml.TransferLearning().ChooseConSEPenalty(seenRows, Fit, new ConSEOptions { ClassDescriptions = table, TopCount = 3 }), "same seed, same penalty");

        StringAssert.Contains(Assert.Throws<ArgumentException>(() => ml.TransferLearning().ChooseConSEPenalty(seenRows, Fit, new ConSEOptions { ClassDescriptions = table }, labelColumnName: "Nope")).Message, "'Nope'");
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => ml.TransferLearning().ChooseConSEPenalty(seenRows, Fit, new ConSEOptions { ClassDescriptions = table }, splits: 0)).Message, "splits");
        var keyed = ml.Transforms.Conversion.MapValueToKey("Label").Fit(seenRows).Transform(seenRows);
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => ml.TransferLearning().ChooseConSEPenalty(keyed, Fit, new ConSEOptions { ClassDescriptions = table })).Message, "as text");
        var smallTable = new ClassDescriptions(seen.Skip(1).Select(c => KeyValuePair.Create(c, table[c])));
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => ml.TransferLearning().ChooseConSEPenalty(seenRows, Fit, new ConSEOptions { ClassDescriptions = smallTable })).Message,
            "missing from the class description table: " + seen[0]);
    }

    /// <summary>Saves <paramref name="model"/>, loads it with a plain Model.Load and checks that it scores <paramref name="test"/> exactly as before.</summary>
    private static void AssertReloadsWithTheSameScores(MLContext ml, ITransformer model, IDataView train, IDataView test, float[][] scores)
    {
        string path = TestData.TempFile(".zip");
        ml.Model.Save(model, train.Schema, path);
        var loaded = ml.Model.Load(path, out _);
        var reloaded = TestData.Scores(ml, loaded.Transform(test));
        for (int r = 0; r < scores.Length; r++) CollectionAssert.AreEqual(scores[r], reloaded[r], $"row {r} after reload");
        (loaded as IDisposable)?.Dispose();
    }

    /// <summary>The zoo's table and seen classes, keyed training rows of the seen classes, and test rows of 6 seen and every unseen class.</summary>
    private static (ClassDescriptions Table, string[] Seen, Func<string[], int, int, IDataView> Rows, IDataView Train, IDataView Test) GeneralizedZoo(MLContext ml)
    {
        var (table, seen, unseen, rows) = ZeroShotTests.ZooSetup(ml);
        var train = ml.Transforms.Conversion.MapValueToKey("Label").Fit(rows(seen, 10, 1)).Transform(rows(seen, 10, 1));
        return (table, seen, rows, train, rows(seen.Take(6).Concat(unseen).ToArray(), 10, 3));
    }

    private sealed class LabelRow
    {
        public string Label { get; set; } = "";
    }

    [TestMethod]
    public void TrainedMethodsChooseThePenaltyOnHeldOutSeenClassesAndSaveIt()
    {
        var ml = new MLContext(0);
        var (table, seen, rows, train, test) = GeneralizedZoo(ml);
        ZeroShotAttributeOptions Options(double? penalty) => new()
        {
            ClassDescriptions = table, Network = NetworkSpec.Mlp(64), Epochs = 20, Mode = ZeroShotMode.Generalized, SeenClassPenalty = penalty,
        };
        using var plain = ml.TransferLearning().ZeroShotAttributes(Options(0)).Fit(train);
        using var calibrated = ml.TransferLearning().ZeroShotAttributes(Options(null)).Fit(train);
        var candidates = calibrated.ClassLists["candidates"];
        var a = TestData.Scores(ml, plain.Transform(test));
        var b = TestData.Scores(ml, calibrated.Transform(test));
        // Same seed and data: the final networks are the same, and the calibrated one subtracts one penalty from the seen slots.
        double penalty = a[0][candidates.ToList().FindIndex(seen.Contains)] - b[0][candidates.ToList().FindIndex(seen.Contains)];
        Assert.AreNotEqual(0, penalty, 1e-6, "a penalty was chosen");
        Assert.IsGreaterThan(0.0, calibrated.TrainingReport!.Metrics[CalibratedStacking.UnseenShareRatioMetric], "the report keeps the splits' over-prediction");
        Assert.IsFalse(plain.TrainingReport!.Metrics.ContainsKey(CalibratedStacking.UnseenShareRatioMetric), "no calibration, no ratio");
        for (int r = 0; r < 5; r++)
            for (int c = 0; c < candidates.Count; c++)
                Assert.AreEqual(seen.Contains(candidates[c]) ? penalty : 0, a[r][c] - b[r][c], 1e-5, $"row {r}, {candidates[c]}");

        var before = ml.TransferLearning().EvaluateZeroShot(plain.Transform(test), "Label", seenClasses: seen);
        var after = ml.TransferLearning().EvaluateZeroShot(calibrated.Transform(test), "Label", seenClasses: seen);
        Assert.AreEqual(before.Ausuc!.Value, after.Ausuc!.Value, 1e-6);
        Assert.IsGreaterThan(0.0, before.Ausuc!.Value, "attribute prediction finds unseen animals at some penalty");
        Assert.IsGreaterThanOrEqualTo(before.HarmonicMean!.Value, after.HarmonicMean!.Value, "calibration chosen without unseen labels beats none here");
        Console.WriteLine($"H {before.HarmonicMean:P1} -> {after.HarmonicMean:P1}, best possible {before.BestCalibration!.HarmonicMean:P1}; penalty {penalty:F3}");

        AssertReloadsWithTheSameScores(ml, calibrated, train, test, b);

        Assert.Throws<ArgumentException>(() => ml.TransferLearning().ZeroShotAttributes(Options(double.NaN)));
        Assert.Throws<ArgumentException>(() => ml.TransferLearning().ZeroShotAttributes(new ZeroShotAttributeOptions { ClassDescriptions = table, CalibrationClassFraction = 1 }));
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => ml.TransferLearning().ZeroShotAttributes(new ZeroShotAttributeOptions { ClassDescriptions = table, CalibrationSplits = 0 })).Message,
            "CalibrationSplits");
    }

    [TestMethod]
    public void CalibratingToAnUnseenShareSendsThatShareOfTheRowsToUnseenClasses()
    {
        var ml = new MLContext(0);
        var (table, seen, rows, train, test) = GeneralizedZoo(ml);
        using var plain = ml.TransferLearning().ZeroShotAttributes(new ZeroShotAttributeOptions
        {
            ClassDescriptions = table, Network = NetworkSpec.Mlp(64), Epochs = 20, Mode = ZeroShotMode.Generalized, SeenClassPenalty = 0,
        }).Fit(train);
        var candidates = plain.ClassLists["candidates"];
        var before = TestData.Scores(ml, plain.Transform(test));
        double UnseenShare(float[][] scores) => scores.Count(r => !seen.Contains(candidates[Array.IndexOf(r, r.Max())])) / (double)scores.Length;

        // Default share: the unseen classes' share of the candidates.
        double prior = candidates.Count(c => !seen.Contains(c)) / (double)candidates.Count;
        using var calibrated = ml.TransferLearning().CalibrateToUnseenShare(plain, test);
        var after = TestData.Scores(ml, calibrated.Transform(test));
        Assert.AreEqual(Math.Round(prior * after.Length) / after.Length, UnseenShare(after), 1e-12, "that share of the rows goes to unseen classes");
        double penalty = CalibratedStacking.SeenClassPenalty(calibrated);
        Assert.AreEqual(0, CalibratedStacking.SeenClassPenalty(plain));
        for (int r = 0; r < after.Length; r++)
            for (int c = 0; c < candidates.Count; c++)
                Assert.AreEqual(seen.Contains(candidates[c]) ? penalty : 0, before[r][c] - after[r][c], 1e-5, $"row {r}, {candidates[c]}: the same weights, the seen slots shifted");
        CollectionAssert.AreEqual(before[0], TestData.Scores(ml, plain.Transform(test))[0], "the input model is left as it was");
        var metricsBefore = ml.TransferLearning().EvaluateZeroShot(plain.Transform(test), "Label", seenClasses: seen);
        var metricsAfter = ml.TransferLearning().EvaluateZeroShot(calibrated.Transform(test), "Label", seenClasses: seen);
        Assert.AreEqual(metricsBefore.Ausuc!.Value, metricsAfter.Ausuc!.Value, 1e-6, "it moves along the curve");
        Console.WriteLine($"H {metricsBefore.HarmonicMean:P1} -> {metricsAfter.HarmonicMean:P1} (best on the curve {metricsBefore.BestCalibration!.HarmonicMean:P1}); penalty {penalty:F3}");

        // An explicit share, on top of a model's own penalty; the result saves and reloads with the same scores.
        using var half = ml.TransferLearning().CalibrateToUnseenShare(calibrated, test, unseenShare: 0.5);
        var halfScores = TestData.Scores(ml, half.Transform(test));
        Assert.AreEqual(0.5, UnseenShare(halfScores), 1e-12);
        AssertReloadsWithTheSameScores(ml, half, train, test, halfScores);

        // ConSE calibrates on the classifier's scored rows.
        var classifier = ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(ml.TransferLearning().NetworkClassifier(network: NetworkSpec.Mlp(64), epochs: 20)).Fit(rows(seen, 10, 1));
        var scoredTest = classifier.Transform(test);
        using var conse = ml.TransferLearning().ConSE(new ConSEOptions { ClassDescriptions = table, TopCount = 3, Mode = ZeroShotMode.Generalized }).Fit(scoredTest);
        using var conseCalibrated = ml.TransferLearning().CalibrateToUnseenShare(conse, scoredTest, 0.4);
        Assert.AreEqual(0.4, UnseenShare(TestData.Scores(ml, conseCalibrated.Transform(scoredTest))), 1e-12);

        // Bad input is named.
        foreach (double share in new[] { 0, 1, double.NaN })
            StringAssert.Contains(Assert.Throws<ArgumentException>(() => ml.TransferLearning().CalibrateToUnseenShare(plain, test, share)).Message, "unseenShare");
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => ml.TransferLearning().CalibrateToUnseenShare(plain, ml.Data.SkipRows(test, 100000))).Message, "no rows");
        using var unseenOnly = ml.TransferLearning().ZeroShotAttributes(new ZeroShotAttributeOptions { ClassDescriptions = table, Network = NetworkSpec.Mlp(8), Epochs = 1 }).Fit(train);
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => ml.TransferLearning().CalibrateToUnseenShare(unseenOnly, test)).Message, "Mode = Generalized");
        using var notZeroShot = ml.TransferLearning().NetworkClassifier(network: NetworkSpec.Mlp(8), epochs: 1).Fit(train);
        StringAssert.Contains(Assert.Throws<ArgumentException>(() => ml.TransferLearning().CalibrateToUnseenShare(notZeroShot, test)).Message, "not a zero-shot model");
    }
}
