using TorchSharp;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.Networks;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.Torch.Progressive;

/// <summary>
/// Progressive neural networks (Rusu et al. 2016): a new task gets a new column beside the frozen
/// trunk and earlier columns, with lateral connections from their layers into it, and a head of its
/// own. Nothing that exists changes, so every earlier task's outputs stay bit for bit what they were
/// (no forgetting by construction), and one model predicts every task.
/// </summary>
internal sealed class ProgressiveRecipe
{
    private readonly Network _source;
    private readonly NetworkSpec _column;

    /// <param name="source">The model so far: a trunk with a classifier head, possibly with columns already.</param>
    /// <param name="column">The new column's layers (the trunk's kinds, one for one); null for a copy of the trunk's spec.</param>
    /// <exception cref="ArgumentException">The column does not match the trunk layer for layer.</exception>
    public ProgressiveRecipe(Network source, NetworkSpec? column)
    {
        _source = source;
        _column = (column ?? source.Spec).WithInputShape(source.Spec.InputShape);
        try
        {
            Spec(2).ColumnShapes(source.InputLength);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The new column does not fit the source's trunk: {e.Message}", e);
        }
    }

    /// <summary>The new column's number (1-based).</summary>
    public int Column => _source.ColumnCount + 1;

    /// <summary>The new task's head name.</summary>
    public string Head => $"task{Column}";

    private ModelSpec Spec(int classes) => new()
    {
        Trunk = _source.Spec,
        Columns = [.. _source.ModelSpec.Columns, _column],
        Heads = [.. _source.ModelSpec.Heads, new ClassifierHeadSpec(Head, classes, ModelSpec.ColumnOutput(Column))],
    };

    /// <summary>The model with the new column and head (fresh, seeded by torch.manual_seed) and every existing part copied from the source.</summary>
    /// <exception cref="ArgumentException">The target rows' length differs from the source's input.</exception>
    public Network Build(int featureLength, int classes)
    {
        if (featureLength != _source.InputLength)
            throw new ArgumentException(
                $"The new task's feature column has {featureLength} values per row, but the progressive model reads {_source.InputLength} " +
                "(every column sees the same input): resize or pad the new task's rows to the source's shape.");
        var network = new Network(Spec(classes), featureLength);
        try
        {
            var existing = _source.state_dict();
            using var noGrad = torch.no_grad();
            foreach (var (name, value) in network.state_dict())
                if (existing.TryGetValue(name, out var source)) value.copy_(source);
            return network;
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>Trains the new column and its head on the context's rows; everything else stays frozen.</summary>
    public TrainingReport Train(TrainingContext context, TrainingOptions options)
    {
        var network = context.Network;
        network.FreezeAllBut(Column, Head);
        var trainable = network.parameters().Where(p => p.requires_grad).ToArray();
        int column = Column;
        string head = Head;
        var step = new ClassificationStep(network, context.Features, context.Labels, [new ParameterGroup(trainable)],
            x => network.Head(head, network.ColumnFeatures(x, column)));
        return context.Run(step, options);
    }
}
