using TorchSharp;
using TransferLearning.ML.Torch.Adaptation;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;

namespace TransferLearning.ML.Tests.Torch;

[TestClass]
public sealed class ModelSpecTests
{
    private static ModelSpec EveryHead() => new()
    {
        Trunk = NetworkSpec.Mlp(8),
        Heads =
        [
            new ClassifierHeadSpec("label", 3),
            new RegressionHeadSpec("attributes", 4) { Sigmoid = true },
            new CandidateScoresSpec("scores", "attributes", 5, CandidateMatching.AttributeLikelihood),
            new EmbeddingHeadSpec("embedding", 6) { Normalize = true },
            new CandidateScoresSpec("prototypes", "embedding", 2, CandidateMatching.NegativeEuclidean),
            new ConvexCombinationSpec("combined", "label", 7, 2),
        ],
    };

    [TestMethod]
    public void EveryHeadKindRoundTripsThroughJson()
    {
        var spec = EveryHead();
        var json = spec.ToJson();
        var back = ModelSpec.FromJson(json);
        Assert.AreEqual(json, back.ToJson());
        CollectionAssert.AreEqual(spec.Heads.Select(h => h.GetType()).ToArray(), back.Heads.Select(h => h.GetType()).ToArray());
        var kernel = new ModelSpec { Trunk = new NetworkSpec(), Heads = [new KernelProjectionSpec("components", 10, 3, TcaKernel.Rbf, 0.5)] };
        Assert.AreEqual(kernel.ToJson(), ModelSpec.FromJson(kernel.ToJson()).ToJson());
    }

    [TestMethod]
    public void TheModuleNamesItsHeadsAndGivesEveryOutput()
    {
        torch.manual_seed(0);
        using var network = new Network(EveryHead(), 5);
        var names = network.state_dict().Keys.ToArray();
        Assert.IsTrue(names.All(n => n.StartsWith("body.block0.") || n.StartsWith("heads.")), string.Join(", ", names));
        CollectionAssert.IsSubsetOf(new[] { "heads.label.linear.weight", "heads.scores.table", "heads.prototypes.table", "heads.combined.table" }, names);
        Assert.AreEqual(ModelSpec.FromJson(EveryHead().ToJson()).StoredValues(5), network.state_dict().Values.Sum(t => t.numel()));

        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        network.eval();
        var x = torch.randn(4, 5);
        var outputs = network.Outputs(x, ["features", "label", "attributes", "scores", "embedding", "prototypes", "combined"]);
        CollectionAssert.AreEqual(new long[] { 8, 3, 4, 5, 6, 2, 7 }, outputs.Select(o => o.shape[1]).ToArray());
        Assert.IsTrue(outputs[1].sum(1).allclose(torch.ones(4), 1e-5, 1e-6), "classifier outputs are probabilities");
        Assert.IsTrue(outputs[2].ge(0).all().item<bool>() && outputs[2].le(1).all().item<bool>(), "sigmoid attributes");
        Assert.IsTrue(outputs[4].square().sum(1).sqrt().allclose(torch.ones(4), 1e-5, 1e-6), "unit embeddings");
        Assert.IsTrue(network.forward(x).allclose(network.Head(network.Features(x))), "forward is the first head on the features");
    }

    [TestMethod]
    public void EncodersReadTheirSlicesIntoTheSharedTrunk()
    {
        var spec = new ModelSpec
        {
            Trunk = NetworkSpec.Mlp(6),
            Encoders = [new EncoderSpec("left", 0, 3, NetworkSpec.Mlp(4)), new EncoderSpec("right", 3, 2, NetworkSpec.Mlp(4))],
            Heads = [new ClassifierHeadSpec("a", 2, "left"), new RegressionHeadSpec("b", 1, "right")],
        };
        Assert.AreEqual(spec.ToJson(), ModelSpec.FromJson(spec.ToJson()).ToJson());
        torch.manual_seed(0);
        using var network = new Network(spec, 5);
        Assert.AreEqual(spec.StoredValues(5), network.state_dict().Values.Sum(t => t.numel()));
        using var scope = torch.NewDisposeScope();
        var x = torch.randn(3, 5);
        var changedRight = x.clone();
        changedRight[.., 3..] = torch.randn(3, 2);
        var outputs = network.Outputs(x, ["a", "b"]);
        var after = network.Outputs(changedRight, ["a", "b"]);
        Assert.IsTrue(outputs[0].allclose(after[0], 0, 0), "head a reads only the left slice");
        Assert.IsFalse(outputs[1].allclose(after[1], 0, 0), "head b reads the right slice");
        Assert.Throws<InvalidOperationException>(() => network.Features(x));

        static string Error(ModelSpec s) => Assert.Throws<ArgumentException>(() => s.OutputSizes(5)).Message;
        StringAssert.Contains(Error(new ModelSpec { Trunk = NetworkSpec.Mlp(6), Encoders = [new EncoderSpec("l", 0, 3, NetworkSpec.Mlp(4)), new EncoderSpec("r", 3, 2, NetworkSpec.Mlp(5))],
            Heads = [new ClassifierHeadSpec("a", 2, "l")] }), "outputs 5 values, another encoder 4");
        StringAssert.Contains(Error(new ModelSpec { Trunk = NetworkSpec.Mlp(6), Encoders = [new EncoderSpec("l", 3, 3, NetworkSpec.Mlp(4))],
            Heads = [new ClassifierHeadSpec("a", 2, "l")] }), "reads [3, 6) of a row of 5 values");
        StringAssert.Contains(Error(new ModelSpec { Trunk = NetworkSpec.Mlp(6), Encoders = [new EncoderSpec("l", 0, 3, NetworkSpec.Mlp(4))],
            Heads = [new ClassifierHeadSpec("a", 2)] }), "a model with encoders does not have");
    }

    [TestMethod]
    public void BadSpecsNameTheProblem()
    {
        static string Error(params HeadSpec[] heads) =>
            Assert.Throws<ArgumentException>(() => new ModelSpec { Trunk = NetworkSpec.Mlp(4), Heads = heads }.OutputSizes(3)).Message;

        // A trunk alone is a model too (an imported backbone): its only output is the features.
        Assert.AreEqual(4, new ModelSpec { Trunk = NetworkSpec.Mlp(4) }.OutputSizes(3)[ModelSpec.FeaturesOutput]);
        StringAssert.Contains(Error(new ClassifierHeadSpec("a", 2), new ClassifierHeadSpec("a", 3)), "Two heads are named 'a'");
        StringAssert.Contains(Error(new ClassifierHeadSpec("features", 2)), "'features' is reserved");
        StringAssert.Contains(Error(new ClassifierHeadSpec("bad name", 2)), "Head name 'bad name' is not valid");
        StringAssert.Contains(Error(new CandidateScoresSpec("s", "later", 2, CandidateMatching.Cosine), new EmbeddingHeadSpec("later", 3)), "reads 'later', which is not an earlier head");
        StringAssert.Contains(Error(new ClassifierHeadSpec("label", 0)), "Head 'label': Classes must be at least 1");
        StringAssert.Contains(Error(new KernelProjectionSpec("k", 4, 9, TcaKernel.Linear, 0)), "Components must be in [1, 4]");
        Assert.Throws<FormatException>(() => ModelSpec.FromJson("{\"trunk\":{\"inputShape\":[],\"layers\":[]},\"heads\":[{\"kind\":\"nope\",\"name\":\"x\"}]}"));
        Assert.Throws<FormatException>(() => ModelSpec.FromJson("{\"trunk\":null,\"heads\":[]}"));
    }
}
