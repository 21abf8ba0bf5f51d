using TransferLearning.ML.Torch.Adaptation;
using TransferLearning.ML.Torch.Modules;

namespace TransferLearning.ML.Torch.Models;

/// <summary>
/// A kernel projection k(x, X) W onto <see cref="Components"/> components, in double precision:
/// Transfer Component Analysis's map (Pan et al. 2011). The fitted rows X [rows, input size] and
/// the projection W [rows, components] are the buffers <c>heads.{name}.rows</c> and
/// <c>heads.{name}.projection</c>.
/// </summary>
/// <param name="name">The head's name.</param>
/// <param name="rows">Number of fitted rows n; at least 1.</param>
/// <param name="components">Number of components m; 1 to n.</param>
/// <param name="kernel">The kernel.</param>
/// <param name="gamma">γ of the RBF kernel (unused by the linear one); finite and at least 0.</param>
public sealed class KernelProjectionSpec(string name, int rows, int components, TcaKernel kernel, double gamma) : HeadSpec(name, null)
{
    /// <summary>Number of fitted rows n.</summary>
    public int Rows { get; init; } = rows;

    /// <summary>Number of components m.</summary>
    public int Components { get; init; } = components;

    /// <summary>The kernel.</summary>
    public TcaKernel Kernel { get; init; } = kernel;

    /// <summary>γ of the RBF kernel.</summary>
    public double Gamma { get; init; } = gamma;

    /// <inheritdoc />
    public override int OutputSize(int inputSize)
    {
        RequirePositive(Rows, "Rows");
        RequirePositive(inputSize, "The input size");
        if (Components < 1 || Components > Rows) throw Invalid($"Components must be in [1, {Rows}], was {Components}.");
        if (!Enum.IsDefined(Kernel)) throw Invalid($"unknown kernel {(int)Kernel}.");
        if (!double.IsFinite(Gamma) || Gamma < 0) throw Invalid($"Gamma must be finite and at least 0, was {Gamma}.");
        return Components;
    }

    internal override long StoredValues(int inputSize) => (long)Rows * (inputSize + Components);

    internal override HeadModule CreateModule(int inputSize) => new KernelProjectionHead(Rows, inputSize, OutputSize(inputSize), Kernel, Gamma);
}
