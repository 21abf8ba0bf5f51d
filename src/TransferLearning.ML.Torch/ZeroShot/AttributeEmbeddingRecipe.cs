using TorchSharp;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Torch.ZeroShot;

/// <summary>
/// DeViSE / ALE's training: the model's embedding f(x) (<see cref="ZeroShotModels.AttributeEmbedding"/>)
/// and a label embedding g(y) = W φ(y) learnt together with the max-margin ranking loss; afterwards
/// the candidates' embeddings W φ(y) become the candidate-scores head's table (W itself is not kept).
/// </summary>
/// <param name="seenTable">The seen classes' descriptions φ(y), row-major [seen, attributes], in label order.</param>
/// <param name="candidateTable">The candidates' descriptions, row-major [candidates, attributes].</param>
/// <param name="attributes">Length of a description.</param>
/// <param name="margin">k, the ranking margin.</param>
internal sealed class AttributeEmbeddingRecipe(float[] seenTable, float[] candidateTable, int attributes, double margin)
{
    public TrainingReport Train(TrainingContext context, TrainingOptions options)
    {
        var network = context.Network;
        int embedding = network.OutputSize;
        using var label = torch.nn.Linear(attributes, embedding, hasBias: false).to(context.Device);
        using var seen = torch.tensor(seenTable, [seenTable.Length / attributes, attributes], device: context.Device);
        var report = context.Run(new AttributeEmbeddingStep(network, label, context.Features, context.Labels, seen, margin), options);
        var projection = label.weight!.cpu().contiguous().data<float>().ToArray();
        network.HeadModule(ZeroShotModels.Scores).SetBuffer("table",
            ZeroShotModels.CandidateEmbeddings(candidateTable, candidateTable.Length / attributes, projection, embedding));
        return report;
    }
}
