using TorchSharp;
using TransferLearning.ML.Torch.Training;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Adaptation;

/// <summary>
/// The proxy A-distance between two samples (Ben-David, Blitzer, Crammer and Pereira 2007; Ganin
/// et al. 2016): PAD = 2 (1 − 2ε), where ε is the test error of a linear classifier trained to tell
/// the samples apart. 0 means indistinguishable, 2 perfectly separable.
/// </summary>
internal static class ProxyADistance
{
    private const int Steps = 300;

    /// <summary>
    /// Trains a logistic regression (standardised inputs, Adam, mild L2) on half of each sample's
    /// rows and measures its error on the other half.
    /// </summary>
    /// <param name="source">Rows of the first domain, [n, d].</param>
    /// <param name="target">Rows of the second domain, [m, d].</param>
    /// <param name="seed">Seeds the subsampling and the split.</param>
    /// <param name="maxRowsPerDomain">At most this many rows of each domain are used. Default 2000.</param>
    public static double Compute(Tensor source, Tensor target, int seed, int maxRowsPerDomain = 2000)
    {
        if (source.shape[0] < 4 || target.shape[0] < 4) throw new ArgumentException("The proxy A-distance needs at least 4 rows of each domain.");
        using var scope = torch.NewDisposeScope();
        using var grad = torch.enable_grad(); // callers may measure features under no_grad
        var random = new Random(seed);
        var (sourceTrain, sourceTest) = Halves(source, random, maxRowsPerDomain);
        var (targetTrain, targetTest) = Halves(target, random, maxRowsPerDomain);
        var x = torch.cat([sourceTrain, targetTrain], 0).detach();
        var y = torch.cat([torch.zeros(sourceTrain.shape[0], device: x.device), torch.ones(targetTrain.shape[0], device: x.device)]);
        var mean = x.mean([0], keepdim: true);
        var std = x.std(0, keepdim: true) + 1e-6;
        x = (x - mean) / std;

        var weights = new TorchSharp.Modules.Parameter(torch.zeros(x.shape[1], 1, device: x.device));
        var bias = new TorchSharp.Modules.Parameter(torch.zeros(1, device: x.device));
        using (var optimizer = new ParameterUpdater([([weights, bias], 0.01)], OptimizerKind.Adam, momentum: 0, weightDecay: 1e-3))
        {
            for (int step = 0; step < Steps; step++)
            {
                using var stepScope = torch.NewDisposeScope();
                optimizer.ZeroGrad();
                var logits = x.matmul(weights).squeeze(1) + bias;
                nn.functional.binary_cross_entropy_with_logits(logits, y).backward();
                optimizer.Step();
            }
            using var noGrad = torch.no_grad();
            double Error(Tensor rows, double label)
            {
                var logits = ((rows - mean) / std).matmul(weights).squeeze(1) + bias;
                var predicted = (logits > 0).to_type(ScalarType.Float32);
                return predicted.sub(label).abs().mean().item<float>();
            }
            double error = (Error(sourceTest, 0) * sourceTest.shape[0] + Error(targetTest, 1) * targetTest.shape[0])
                           / (sourceTest.shape[0] + targetTest.shape[0]);
            return Math.Clamp(2 * (1 - 2 * error), 0, 2);
        }
    }

    private static (Tensor Train, Tensor Test) Halves(Tensor rows, Random random, int max)
    {
        var order = Enumerable.Range(0, (int)rows.shape[0]).Select(i => (long)i).ToArray();
        random.Shuffle(order);
        var chosen = order.Take(Math.Min(max, order.Length)).ToArray();
        int half = chosen.Length / 2;
        var index = torch.tensor(chosen, device: rows.device);
        var picked = rows.index_select(0, index).flatten(1);
        return (picked.narrow(0, 0, half), picked.narrow(0, half, chosen.Length - half));
    }
}
