using TorchSharp;
using TransferLearning.ML.Torch.Adaptation;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Modules;

/// <summary>k(x, X) W in double precision (buffers <c>rows</c> and <c>projection</c>); see <c>KernelProjectionSpec</c>.</summary>
internal sealed class KernelProjectionHead : HeadModule
{
    // Field names are the checkpoint contract: renaming them breaks saved models.
    private readonly Tensor rows;
    private readonly Tensor projection;
    private readonly TcaKernel _kernel;
    private readonly double _gamma;

    public KernelProjectionHead(int rowCount, int length, int components, TcaKernel kernel, double gamma) : base(nameof(KernelProjectionHead), components)
    {
        rows = Buffer(nameof(rows), rowCount, length, ScalarType.Float64);
        projection = Buffer(nameof(projection), rowCount, components, ScalarType.Float64);
        _kernel = kernel;
        _gamma = gamma;
    }

    public override Tensor forward(Tensor input) =>
        TransferComponentAnalysis.KernelMatrix(input.to_type(ScalarType.Float64), rows, _kernel, _gamma).matmul(projection).to_type(ScalarType.Float32);
}
