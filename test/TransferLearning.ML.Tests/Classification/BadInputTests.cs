using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Torch.Networks;

namespace TransferLearning.ML.Tests.Classification;

/// <summary>Every bad input fails with an exception that names the column or option and what was expected.</summary>
[TestClass]
public sealed class BadInputTests
{
    private static readonly MLContext Ml = new(0);

    private static IDataView Rows(params (string? Label, float[] Features)[] rows) => Ml.Data.LoadFromEnumerable(
        rows.Select(r => new Row { Label = r.Label, Features = r.Features }).ToArray(),
        VectorSchema(typeof(Row), rows.Length == 0 ? 3 : rows[0].Features.Length));

    private static SchemaDefinition VectorSchema(Type type, int size)
    {
        var schema = SchemaDefinition.Create(type);
        schema["Features"].ColumnType = new VectorDataViewType(NumberDataViewType.Single, size);
        return schema;
    }

    private static readonly (string?, float[])[] Good = [("a", [0, 1, 2]), ("b", [1, 0, 2]), ("a", [0, 1, 3])];

    private static Exception FitThrows<TException>(IDataView data, NetworkClassifierOptions? options = null) where TException : Exception =>
        Assert.Throws<TException>(() => Ml.Transforms.Conversion.MapValueToKey("Label")
            .Append(Ml.TransferLearning().NetworkClassifier(options ?? new NetworkClassifierOptions { Epochs = 1 }))
            .Fit(data));

    [TestMethod]
    public void MissingFeatureColumn()
    {
        var e = FitThrows<ArgumentException>(Rows(Good), new NetworkClassifierOptions { FeatureColumnName = "Pixels", Epochs = 1 });
        StringAssert.Contains(e.Message, "Feature column 'Pixels' was not found");
        StringAssert.Contains(e.Message, "'Features'");
    }

    [TestMethod]
    public void MissingLabelColumn()
    {
        var data = Ml.Transforms.Conversion.MapValueToKey("Class", "Label").Fit(Rows(Good)).Transform(Rows(Good));
        var e = Assert.Throws<ArgumentException>(() => Ml.TransferLearning().NetworkClassifier(labelColumnName: "Target").Fit(data));
        StringAssert.Contains(e.Message, "Label column 'Target' was not found");
    }

    [TestMethod]
    public void FeatureColumnOfTheWrongType()
    {
        var data = Ml.Data.LoadFromEnumerable(new[] { new TextRow { Label = "a", Features = "1 2 3" } });
        var e = FitThrows<ArgumentException>(data);
        StringAssert.Contains(e.Message, "Feature column 'Features' must be a known-size vector of Single");
        StringAssert.Contains(e.Message, "String");
    }

    [TestMethod]
    public void LabelThatIsNotAKey()
    {
        var e = Assert.Throws<ArgumentException>(() => Ml.TransferLearning().NetworkClassifier().Fit(Rows(Good)));
        StringAssert.Contains(e.Message, "Label column 'Label' must be a key type");
        StringAssert.Contains(e.Message, "MapValueToKey");
    }

    [TestMethod]
    public void WrongVectorSizeAtTransform()
    {
        var model = Ml.Transforms.Conversion.MapValueToKey("Label").Append(Ml.TransferLearning().NetworkClassifier(epochs: 1)).Fit(Rows(Good));
        var wider = Rows(("a", [0, 1, 2, 3]));
        var e = Assert.Throws<ArgumentException>(() => model.Transform(wider));
        StringAssert.Contains(e.Message, "Feature column 'Features' has 4 values per row, but the model expects 3");
    }

    [TestMethod]
    public void InputShapeThatDoesNotFitTheFeatures()
    {
        var e = FitThrows<ArgumentException>(Rows(Good), new NetworkClassifierOptions { Network = NetworkSpec.LeNet(1, 20, 20), Epochs = 1 });
        StringAssert.Contains(e.Message, "Option Network");
        StringAssert.Contains(e.Message, "holds 400 values, but the feature vector has 3");
    }

    [TestMethod]
    public void NaNInFeatures()
    {
        var e = FitThrows<InvalidDataException>(Rows(("a", [0, 1, 2]), ("b", [1, float.NaN, 2])));
        StringAssert.Contains(e.Message, "Feature column 'Features' has NaN at row 1, slot 1");
    }

    [TestMethod]
    public void RowWithoutLabel()
    {
        var data = Rows(("a", [0, 1, 2]), ("b", [1, 0, 2]));
        var keyed = Ml.Transforms.Conversion.MapValueToKey("Label").Fit(data)
            .Transform(Rows(("a", [0, 1, 2]), (null, [1, 0, 2])));
        var e = Assert.Throws<InvalidDataException>(() => Ml.TransferLearning().NetworkClassifier(epochs: 1).Fit(keyed));
        StringAssert.Contains(e.Message, "Label column 'Label' is missing at row 1");
    }

    [TestMethod]
    public void EmptyData()
    {
        var empty = Ml.Transforms.Conversion.MapValueToKey("Label").Fit(Rows(Good)).Transform(Rows());
        var e = Assert.Throws<InvalidDataException>(() => Ml.TransferLearning().NetworkClassifier(epochs: 1).Fit(empty));
        StringAssert.Contains(e.Message, "The training data has no rows");
    }

    [TestMethod]
    public void OptionsOutOfRangeAreNamed()
    {
        void Bad(Action<NetworkClassifierOptions> set, string option)
        {
            var options = new NetworkClassifierOptions();
            set(options);
            var e = Assert.Throws<ArgumentException>(() => Ml.TransferLearning().NetworkClassifier(options));
            Assert.AreEqual(option, e.ParamName);
            StringAssert.Contains(e.Message, option);
        }

        Bad(o => o.Epochs = 0, "Epochs");
        Bad(o => o.BatchSize = -1, "BatchSize");
        Bad(o => o.LearningRate = double.NaN, "LearningRate");
        Bad(o => o.Momentum = 1, "Momentum");
        Bad(o => o.ValidationFraction = 0.95, "ValidationFraction");
        Bad(o => o.EarlyStoppingPatience = 3, "EarlyStoppingPatience");
        Bad(o => o.FeatureColumnName = "", "FeatureColumnName");
        Bad(o => o.Network = null!, "Network");
    }

    [TestMethod]
    public void FeaturesThatWouldOverflowTrainingAreRefused()
    {
        // Finite inputs whose products overflow float would turn the loss infinite on the first step: refused when read.
        var huge = Rows(("a", [3e38f, 3e38f, 3e38f]), ("b", [-3e38f, 3e38f, 3e38f]), ("a", [3e38f, -3e38f, 3e38f]));
        var e = FitThrows<InvalidDataException>(huge, new NetworkClassifierOptions { Epochs = 2, LearningRate = 1 });
        StringAssert.Contains(e.Message, "Scale the column");
    }

    private sealed class Row
    {
        public string? Label { get; set; }

        public float[] Features { get; set; } = [];
    }

    private sealed class TextRow
    {
        public string Label { get; set; } = "";

        public string Features { get; set; } = "";
    }
}
