using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using TorchSharp;
using TransferLearning.ML.Classification;
using TransferLearning.ML.Data;
using TransferLearning.ML.Training;
using TransferLearning.ML.Torch.Adaptation;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Training;
using static TorchSharp.torch;

namespace TransferLearning.ML.DomainAdaptation;

/// <summary>
/// Domain-adversarial training of neural networks, DANN (Ganin and Lempitsky, ICML 2015; Ganin et
/// al., JMLR 2016): labelled source rows and unlabelled target rows in one view (a Boolean domain
/// column marks the target; see <c>CombineDomains</c>); a feature extractor feeds the label
/// predictor and, through a gradient reversal layer, a domain discriminator, so that the features
/// become good for the labels and useless for telling the domains apart.
/// </summary>
/// <remarks>
/// <list type="table">
/// <listheader><term>Column</term><description>Type</description></listheader>
/// <item><term>Features (input)</term><description>known-size vector of Single</description></item>
/// <item><term>Label (input)</term><description>key; read on source rows only (target rows may be missing)</description></item>
/// <item><term>IsTarget (input)</term><description>Boolean, true on target rows</description></item>
/// <item><term>Score, PredictedLabel (output)</term><description>as every classifier; optionally the learned features</description></item>
/// </list>
/// The fitted <see cref="NetworkTransformer"/>'s TrainingReport lists per epoch the
/// label loss, the domain loss and the discriminator's accuracy, and in its Metrics the proxy
/// A-distance between the domains before (raw features) and after (learned features) adaptation,
/// the effective number of classes predicted on the target, and Warnings when they collapsed.
/// Epoch selection and early stopping never look at target labels (see <see cref="SelectionCriterion"/>).
/// </remarks>
public sealed class DomainAdversarialTrainer : NetworkEstimator<DomainAdversarialOptions>
{
    /// <summary>Metric name of the proxy A-distance between the domains' raw features.</summary>
    public const string ProxyADistanceBefore = DomainAdversarialRecipe.ProxyADistanceBefore;

    /// <summary>Metric name of the proxy A-distance between the domains' learned features.</summary>
    public const string ProxyADistanceAfter = DomainAdversarialRecipe.ProxyADistanceAfter;

    /// <summary>Metric name of the final accuracy on the source training rows.</summary>
    public const string SourceAccuracy = DomainAdversarialRecipe.SourceAccuracy;

    /// <summary>
    /// Metric name of the effective number of classes predicted on the target rows (exp of the
    /// entropy of the predicted-class shares). Below half of <see cref="SourceLabelClasses"/> the
    /// report carries a warning: the target predictions collapsed, a label-free sign of negative transfer.
    /// </summary>
    public const string TargetPredictedClasses = DomainAdversarialRecipe.TargetPredictedClasses;

    /// <summary>Metric name of the effective number of classes among the source labels.</summary>
    public const string SourceLabelClasses = DomainAdversarialRecipe.SourceLabelClasses;

    /// <summary>
    /// Metric name of the reverse-validation accuracy (with <see cref="DomainAdversarialOptions.ReverseValidation"/>): a
    /// network trained on the target rows with the model's predictions as labels, scored on the source rows.
    /// </summary>
    public const string ReverseValidationAccuracy = DomainAdversarialRecipe.ReverseValidationAccuracy;

    /// <summary>Creates the trainer; the options are checked now.</summary>
    /// <exception cref="ArgumentException">An option is out of range (the message names it).</exception>
    internal DomainAdversarialTrainer(IHostEnvironment env, DomainAdversarialOptions options)
        : base(env, options)
    {
    }

    /// <summary>Trains on the combined source and target rows.</summary>
    /// <exception cref="ArgumentException">A column is missing or of the wrong type, or an option does not fit the network.</exception>
    /// <exception cref="InvalidDataException">No source or no target rows, a NaN feature, or a source row without a label.</exception>
    /// <exception cref="InvalidOperationException">Training collapsed (source accuracy near chance) and FailOnCollapse is set.</exception>
    public override NetworkTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var features = ColumnChecks.FloatVector(input.Schema, Options.FeatureColumnName, "Feature");
        var label = ColumnChecks.KeyLabel(input.Schema, Options.LabelColumnName);
        var domain = ColumnChecks.Boolean(input.Schema, Options.DomainColumnName, "Domain");
        var (source, target) = LabeledRows.ReadDomains(input, features, label, domain);
        int classes = (int)((KeyDataViewType)label.Type).Count;
        var recipe = new DomainAdversarialRecipe(Options, target.Features, target.Count);
        var network = ClassifierTrainer.CreateNetwork(Options.Network, source.Length, classes, Options.Seed, nameof(DomainAdversarialOptions.Network));
        try
        {
            recipe.CheckNetwork(network);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        var data = new ClassifierData(source, classes, KeyValues.FromColumn(label));
        return ClassifierTrainer.Train(Environment, "DomainAdversarial", Options, data, network, context => recipe.Train(context, Options));
    }

    /// <summary>The input schema plus Score and PredictedLabel (and the learned features when asked for).</summary>
    public override SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ColumnChecks.Boolean(inputSchema, Options.DomainColumnName, "Domain");
        return ClassifierTrainer.OutputShape(inputSchema, Options);
    }
}
