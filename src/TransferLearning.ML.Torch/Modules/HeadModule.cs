using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Modules;

/// <summary>
/// The module of one head (see <c>HeadSpec</c>). <c>forward</c> gives the training output (what
/// the loss sees, e.g. logits); <see cref="Infer"/> the inference output (what a transformer
/// writes, e.g. probabilities).
/// </summary>
internal abstract class HeadModule(string name, int outputSize) : nn.Module<Tensor, Tensor>(name)
{
    /// <summary>Values per output row.</summary>
    public int OutputSize { get; } = outputSize;

    /// <summary>The inference output for <paramref name="input"/>; by default the training output.</summary>
    public virtual Tensor Infer(Tensor input) => forward(input);

    /// <summary>A zero buffer [rows, length] registered as <paramref name="name"/> (saved with the weights; filled with <see cref="SetBuffer"/>).</summary>
    protected Tensor Buffer(string name, long rows, long length, ScalarType type = ScalarType.Float32)
    {
        var buffer = torch.zeros(rows, length, type);
        register_buffer(name, buffer);
        return buffer;
    }

    /// <summary>Fills the buffer <paramref name="name"/> (a candidate table, fitted rows...) with <paramref name="values"/>, row-major.</summary>
    /// <exception cref="ArgumentException">The head has no such buffer, or the values do not fill it.</exception>
    public void SetBuffer(string name, ReadOnlySpan<float> values)
    {
        var buffer = named_buffers().FirstOrDefault(b => b.name == name).buffer
            ?? throw new ArgumentException($"The head has no buffer '{name}'.", nameof(name));
        if (buffer.numel() != values.Length)
            throw new ArgumentException($"Buffer '{name}' holds {buffer.numel()} values, not {values.Length}.", nameof(values));
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        buffer.copy_(torch.tensor(values.ToArray(), buffer.shape).to(buffer.dtype).to(buffer.device));
    }
}
