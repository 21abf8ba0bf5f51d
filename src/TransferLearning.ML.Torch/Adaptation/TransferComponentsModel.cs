using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;

namespace TransferLearning.ML.Torch.Adaptation;

/// <summary>TCA on the model contract: no blocks, one kernel-projection head holding the fitted rows and W.</summary>
internal static class TransferComponentsModel
{
    /// <summary>The head's name, and the output the transformer writes.</summary>
    public const string Head = "components";

    public static Network Build(TcaModel model) =>
        Build(model.Rows, model.RowCount, model.Length, model.Projection, model.Components, model.Kernel, model.Gamma);

    public static Network Build(float[] rows, int rowCount, int length, float[] projection, int components, TcaKernel kernel, double gamma)
    {
        var spec = new ModelSpec
        {
            Trunk = new NetworkSpec { InputShape = [length] },
            Heads = [new KernelProjectionSpec(Head, rowCount, components, kernel, gamma)],
        };
        var network = new Network(spec, length);
        try
        {
            var head = network.HeadModule(Head);
            head.SetBuffer("rows", rows);
            head.SetBuffer("projection", projection);
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }
}
