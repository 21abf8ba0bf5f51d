using Microsoft.ML;
using TransferLearning.ML.Classification;
using TransferLearning.ML.DomainAdaptation;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML;

/// <summary>Domain adaptation: combining domains, DANN and TCA.</summary>
public sealed partial class TransferLearningCatalog
{
    /// <summary>
    /// The source rows followed by the target rows in one view, with a Boolean column
    /// <paramref name="domainColumnName"/> that is true on target rows: the input of the
    /// domain-adaptation methods. The target's columns must match the source's by name and type; a
    /// source column the target lacks (such as the label) reads as missing on target rows. The
    /// target's extra columns are dropped.
    /// </summary>
    /// <exception cref="ArgumentException">A column's type differs between the two, or a missing column has no missing value.</exception>
    public IDataView CombineDomains(IDataView source, IDataView target, string domainColumnName = DomainDefaults.DomainColumnName) =>
        new DomainUnionDataView(source, target, domainColumnName);

    /// <summary>
    /// Domain-adversarial training (DANN; Ganin and Lempitsky 2015) with the paper's defaults: SGD
    /// with momentum, annealed learning rate, λ rising from 0 to 1, a gradient reversal layer before
    /// the domain discriminator.
    /// </summary>
    /// <param name="labelColumnName">Key label column, read on source rows. Default "Label".</param>
    /// <param name="featureColumnName">Float vector feature column. Default "Features".</param>
    /// <param name="domainColumnName">Boolean column, true on target rows. Default "IsTarget".</param>
    /// <param name="network">The feature extractor's blocks; default <c>NetworkSpec.Mlp(128)</c>.</param>
    /// <param name="epochs">Passes over the source rows. Default 10.</param>
    /// <param name="seed">Seeds everything random. Default 0.</param>
    public DomainAdversarialTrainer DomainAdversarial(
        string labelColumnName = DefaultColumnNames.Label,
        string featureColumnName = DefaultColumnNames.Features,
        string domainColumnName = DomainDefaults.DomainColumnName,
        NetworkSpec? network = null,
        int epochs = TrainingDefaults.Epochs,
        int seed = TrainingDefaults.Seed)
    {
        var options = new DomainAdversarialOptions
        {
            LabelColumnName = labelColumnName,
            FeatureColumnName = featureColumnName,
            DomainColumnName = domainColumnName,
            Epochs = epochs,
            Seed = seed,
        };
        if (network is not null) options.Network = network;
        return new DomainAdversarialTrainer(Context, options);
    }

    /// <summary>Domain-adversarial training with every setting of <see cref="DomainAdversarialOptions"/>.</summary>
    public DomainAdversarialTrainer DomainAdversarial(DomainAdversarialOptions options) => new(Context, options);

    /// <summary>
    /// A label-free negative-transfer check: compares an adapted model's predictions on the target
    /// rows with those of a source-only model trained the same way (the same options with
    /// MaximumLambda = 0, InformationMaximizationWeight = 0 and SelfTrainingWeight = 0), overall and
    /// on the <paramref name="confidentShare"/> of rows where the source-only model is most confident;
    /// warns when the adapted model changes too many of those (see <see cref="SourceOnlyComparison"/>).
    /// </summary>
    /// <param name="adapted">The adapted model (or a pipeline ending in it).</param>
    /// <param name="sourceOnly">The source-only model over the same classes.</param>
    /// <param name="targetRows">Target rows as both models read them; labels are not read.</param>
    /// <param name="scoreColumnName">Both models' Score column. Default "Score".</param>
    /// <param name="confidentShare">Share of rows taken as the source-only model's most confident, in (0, 1]. Default 0.25.</param>
    /// <exception cref="ArgumentException">A Score column is missing or not a vector of Single, the class counts differ, the rows are empty, or the share is out of range.</exception>
    public SourceOnlyComparison CompareWithSourceOnly(ITransformer adapted, ITransformer sourceOnly, IDataView targetRows,
        string scoreColumnName = DefaultColumnNames.Score, double confidentShare = SourceOnlyComparison.DefaultConfidentShare) =>
        SourceOnlyComparison.Compare(adapted, sourceOnly, targetRows, scoreColumnName, confidentShare);

    /// <summary>
    /// Transfer Component Analysis (Pan et al. 2011): projects the features onto
    /// <paramref name="components"/> kernel components that shrink the maximum mean discrepancy
    /// between source and target rows. Follow it with any ML.NET trainer.
    /// </summary>
    /// <param name="outputColumnName">The components column. Default "TransferComponents".</param>
    /// <param name="featureColumnName">Float vector feature column. Default "Features".</param>
    /// <param name="domainColumnName">Boolean column, true on target rows. Default "IsTarget".</param>
    /// <param name="components">m. Default 30.</param>
    /// <param name="mu">μ. Default 1.</param>
    /// <param name="kernel">Linear (default) or Rbf (median-heuristic width).</param>
    public TransferComponentsEstimator TransferComponents(
        string outputColumnName = "TransferComponents",
        string featureColumnName = DefaultColumnNames.Features,
        string domainColumnName = DomainDefaults.DomainColumnName,
        int components = 30,
        double mu = 1.0,
        Torch.Adaptation.TcaKernel kernel = Torch.Adaptation.TcaKernel.Linear) => new(new TransferComponentsOptions
        {
            OutputColumnName = outputColumnName,
            FeatureColumnName = featureColumnName,
            DomainColumnName = domainColumnName,
            Components = components,
            Mu = mu,
            Kernel = kernel,
        });

    /// <summary>Transfer Component Analysis with every setting of <see cref="TransferComponentsOptions"/>.</summary>
    public TransferComponentsEstimator TransferComponents(TransferComponentsOptions options) => new(options);
}
