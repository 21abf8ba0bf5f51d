namespace TransferLearning.ML.Tests.BadInput;

/// <summary>
/// Every case of <see cref="BadInputTable"/>: the right kind of error, whose message names the
/// column, option or flag and what was expected. With TLML_BAD_INPUT_TABLE set to a path, each
/// case also appends a "| area | case | message |" row there (the table quoted in issue notes).
/// </summary>
[TestClass]
public sealed class BadInputTests
{
    public static IEnumerable<object[]> Cases => BadInputTable.Cases().Select(c => new object[] { c });

    public static string Name(System.Reflection.MethodInfo method, object[] data) => data[0].ToString()!;

    [TestMethod]
    [DynamicData(nameof(Cases), DynamicDataDisplayName = nameof(Name))]
    public void IsRefusedWithAMessageThatSaysWhatWasExpected(BadInputCase badInput)
    {
        var (kind, message) = badInput.Provoke();
        if (Environment.GetEnvironmentVariable("TLML_BAD_INPUT_TABLE") is { Length: > 0 } table)
            File.AppendAllText(table, $"| {badInput.Area} | {badInput.Case} | {kind}: {message.Replace("|", "\\|").Replace("\n", " ").Replace("\r", "")} |\n");
        CollectionAssert.Contains(badInput.ExpectedKind.Split('|'), kind, $"{badInput}: got {kind}: {message}");
        foreach (var part in badInput.MessageContains)
            StringAssert.Contains(message, part, $"{badInput}: the message should say '{part}'");
    }

    [TestMethod]
    public void TheTableHasAtLeastFortyCases() => Assert.IsGreaterThanOrEqualTo(40, BadInputTable.Cases().Count());

    [TestMethod]
    public void ADivergingRunCanBeKeptWhenAskedFor()
    {
        var ml = new Microsoft.ML.MLContext(0);
        var rows = TestData.Keyed(ml, TestData.DigitsSmall);
        var options = new ML.Classification.NetworkClassifierOptions { Network = ML.Torch.Networks.NetworkSpec.Mlp(16), LearningRate = 1e6, Epochs = 3, FailOnDivergence = false };
        using var model = ml.TransferLearning().NetworkClassifier(options).Fit(rows);
        var epochs = model.TrainingReport!.Epochs;
        Assert.HasCount(3, epochs, "every epoch ran");
        Assert.IsGreaterThan(100 * 2.3, epochs[0].Loss, $"and the loss did explode ({epochs[0].Loss:G3}): the default would have stopped it");
    }
}
