namespace TransferLearning.ML.Torch.Adaptation;

/// <summary>
/// The settings of <see cref="DomainAdversarialRecipe"/>, read straight from the ML.NET options
/// object that implements this (<c>DomainAdversarialOptions</c>): the same names, no copy.
/// </summary>
internal interface IDomainAdversarialSettings
{
    int Seed { get; }

    double ValidationFraction { get; }

    double MaximumLambda { get; }

    double LambdaGamma { get; }

    IReadOnlyList<int> DiscriminatorHiddenUnits { get; }

    double DiscriminatorDropout { get; }

    AugmentationSettings? Augmentation { get; }

    bool AugmentTargetBatches { get; }

    double InformationMaximizationWeight { get; }

    bool RampInformationMaximization { get; }

    double SelfTrainingWeight { get; }

    double SelfTrainingThreshold { get; }

    bool DomainSpecificBatchNorm { get; }

    SelectionCriterion SelectionCriterion { get; }

    bool FailOnCollapse { get; }

    AdversarialConditioning Conditioning { get; }

    bool ReverseValidation { get; }
}
