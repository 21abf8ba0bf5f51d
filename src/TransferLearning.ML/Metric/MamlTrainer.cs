using Microsoft.ML;
using Microsoft.ML.Runtime;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Data;
using TransferLearning.ML.Training;
using TransferLearning.ML.Torch.MetaLearning;
using TransferLearning.ML.Torch.Models;

namespace TransferLearning.ML.Metric;

/// <summary>
/// Model-agnostic meta-learning (Finn, Abbeel and Levine 2017): learns initial weights from which a
/// few gradient steps on a new task's support rows give a good classifier for it. Each meta-update
/// adapts the weights to several sampled N-way tasks (inner loop: SGD on the support rows) and
/// moves the initialisation to lower the adapted weights' loss on the tasks' queries —
/// differentiating through the inner steps (second order, by autograd with create_graph) or not
/// (first-order MAML).
/// </summary>
/// <remarks>
/// <para><see cref="MetaTrain"/> returns the initialisation (<see cref="MamlModel"/>); <see cref="Fit"/>
/// meta-trains and adapts to <see cref="MamlOptions.Support"/>, returning a classifier over its classes
/// (Score, PredictedLabel). The network may hold dense, convolution and standardize layers without
/// batch normalisation or dropout. Create it with <c>mlContext.TransferLearning().Maml(...)</c>.</para>
/// </remarks>
public sealed class MamlTrainer : NetworkEstimator<MamlOptions>
{
    internal MamlTrainer(IHostEnvironment env, MamlOptions options) : base(env, options)
    {
        FunctionalNetwork.Check(options.Network, nameof(EpisodicOptions.Network));
        options.CheckSupport(options.Support);
    }

    /// <summary>Meta-trains on episodes of the labelled rows and returns the learned initialisation.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A column is missing or of the wrong type.</exception>
    /// <exception cref="InvalidDataException">No rows, a NaN, an unlabelled row, a class with fewer than Shots + Queries rows, or fewer than Ways classes.</exception>
    public MamlModel MetaTrain(IDataView input)
    {
        var data = Options.ReadEpisodic(input);
        var spec = ModelSpec.Classifier(Options.Network, Options.Ways, ClassifierColumns.Head);
        var network = ClassifierTrainer.CreateNetwork(spec, data.Rows.Length, Options.Seed, nameof(EpisodicOptions.Network));
        var sampler = MamlStep.Sampler(data.Rows.Labels, Options, Options.EpisodesPerEpoch);
        var report = TrainingRun.Execute(Environment, Options.FirstOrder ? "FirstOrderMaml" : "Maml", Options, data.Rows, network,
            context => context.Run(new MamlStep(context.Network, context.Features, context.Labels, Options), Options, sampler));
        return new MamlModel(network, Options, report);
    }

    /// <summary>Meta-trains, then adapts to <see cref="MamlOptions.Support"/>: a classifier over the support set's classes.</summary>
    /// <exception cref="InvalidOperationException">No support set is given.</exception>
    public override NetworkTransformer Fit(IDataView input)
    {
        var support = Options.Support ?? throw new InvalidOperationException(
            "MamlOptions.Support is not set: Fit adapts the meta-learned weights to a support set of Ways classes. Set it, or call MetaTrain and then Adapt.");
        using var model = MetaTrain(input);
        return model.Adapt(support);
    }

    /// <summary>The input plus Score and PredictedLabel (over the support set's label).</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var support = Options.Support ?? throw new InvalidOperationException("MamlOptions.Support is not set: the output's classes are the support set's.");
        return new SchemaShape(Options.SupportClassifierShape(inputSchema, support).Values);
    }
}
