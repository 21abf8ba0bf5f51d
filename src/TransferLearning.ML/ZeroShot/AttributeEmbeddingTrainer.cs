using Microsoft.ML;
using Microsoft.ML.Runtime;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Training;
using TransferLearning.ML.Torch.ZeroShot;

namespace TransferLearning.ML.ZeroShot;

/// <summary>
/// Attribute label embedding (Frome et al. 2013, DeViSE; Akata et al. 2013, ALE): an image network
/// f(x) and a linear label network g(y) = W φ(y) map features and class descriptions into one
/// space, trained on seen-class rows with the max-margin ranking loss
/// max(0, k − f(x_n)·g(y_n) + max_{m≠n} f(x_n)·g(y_m)); a new row gets the candidate maximising
/// f(x)·g(y). Outputs the <c>Embedding</c> f(x), <c>Score</c> = f(x)·g(y) per candidate and
/// <c>PredictedLabel</c>.
/// </summary>
public sealed class AttributeEmbeddingTrainer : ZeroShotTrainingEstimator<AttributeEmbeddingOptions>
{
    /// <summary>Creates the estimator; the options are checked now.</summary>
    internal AttributeEmbeddingTrainer(IHostEnvironment env, AttributeEmbeddingOptions options) : base(env, options)
    {
    }

    private protected override string VectorColumnName => "Embedding";

    private protected override (string, ModelSpec, string, TrainingPlan) Build(string[] seen, string[] candidates, float[]? offsets)
    {
        var table = Options.ClassDescriptions!;
        var spec = ZeroShotModels.AttributeEmbedding(Options.Network, Options.EmbeddingSize, candidates.Length, offsets);
        var recipe = new AttributeEmbeddingRecipe(table.Matrix(seen), table.Matrix(candidates), table.Length, Options.Margin);
        return ("AttributeEmbedding", spec, ZeroShotModels.Embedding, context => recipe.Train(context, Options));
    }
}
