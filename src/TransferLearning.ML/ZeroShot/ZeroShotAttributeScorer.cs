using Microsoft.ML;
using Microsoft.ML.Runtime;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Torch.ZeroShot;

namespace TransferLearning.ML.ZeroShot;

/// <summary>
/// Zero-shot learning by class attributes: a network learns to predict every attribute from the
/// features on seen-class rows (each row's target is its class's description), and a new row is
/// given the candidate class whose description best matches the prediction: direct attribute
/// prediction for binary attributes (Lampert, Nickisch and Harmeling, CVPR 2009: the sum of
/// log-probabilities of the class's attribute values; Score is the resulting posterior over the
/// candidates), cosine or Euclidean nearest for continuous ones (Score is the similarity).
/// </summary>
/// <remarks>
/// Inputs: a float-vector feature column and a key label whose key values are the seen class
/// names. Outputs: <c>Attributes</c> (probabilities for binary attributes), <c>Score</c> over the
/// candidates and <c>PredictedLabel</c> (a key whose values are the candidate names).
/// </remarks>
public sealed class ZeroShotAttributeScorer : ZeroShotTrainingEstimator<ZeroShotAttributeOptions>
{
    /// <summary>Creates the estimator; the options are checked now.</summary>
    internal ZeroShotAttributeScorer(IHostEnvironment env, ZeroShotAttributeOptions options) : base(env, options)
    {
    }

    private protected override string VectorColumnName => Options.AttributesColumnName;

    private protected override (string, ModelSpec, string, TrainingPlan) Build(string[] seen, string[] candidates, float[]? offsets)
    {
        var table = Options.ClassDescriptions!;
        bool binary = table.IsBinary;
        var matching = Options.Matching ?? (binary ? AttributeMatching.DirectAttributePrediction : AttributeMatching.Cosine);
        var spec = ZeroShotModels.AttributePrediction(Options.Network, table.Length, binary, candidates.Length, ZeroShotModels.Matching(matching), offsets);
        var recipe = new AttributePredictionRecipe(table.Matrix(seen), table.Matrix(candidates), binary, matching);
        return ("ZeroShotAttributes", spec, ZeroShotModels.Attributes, context => recipe.Train(context, Options));
    }
}
