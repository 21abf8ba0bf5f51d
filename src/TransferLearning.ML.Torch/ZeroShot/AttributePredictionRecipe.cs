using TorchSharp;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Torch.ZeroShot;

/// <summary>
/// DAP's training (Lampert et al. 2009): the model (<see cref="ZeroShotModels.AttributePrediction"/>)
/// learns each seen-class row's description, then its candidate-scores head is given the candidates'
/// descriptions.
/// </summary>
/// <param name="seenTable">The seen classes' descriptions, row-major [seen, attributes], in label order.</param>
/// <param name="candidateTable">The candidates' descriptions, row-major [candidates, attributes].</param>
/// <param name="binary">Whether the attributes are 0/1 (sigmoid + cross-entropy) rather than real-valued (squared error).</param>
/// <param name="matching">How the validation accuracy matches predicted attributes to the seen classes.</param>
internal sealed class AttributePredictionRecipe(float[] seenTable, float[] candidateTable, bool binary, AttributeMatching matching)
{
    public TrainingReport Train(TrainingContext context, TrainingOptions options)
    {
        var network = context.Network;
        int attributes = network.OutputSize;
        using var seen = torch.tensor(seenTable, [seenTable.Length / attributes, attributes], device: context.Device);
        var report = context.Run(new AttributeStep(network, context.Features, context.Labels, seen, binary, matching), options);
        network.HeadModule(ZeroShotModels.Scores).SetBuffer("table", candidateTable);
        return report;
    }
}
