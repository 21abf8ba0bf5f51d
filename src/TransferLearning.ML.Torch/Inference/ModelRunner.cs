using System.Runtime.InteropServices;
using TorchSharp;
using TransferLearning.ML.Torch.Modules;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Inference;

/// <summary>
/// Runs a trained <see cref="Network"/> on blocks of rows and lays the asked-for outputs of each
/// row side by side: eval mode, no_grad, one dispose scope per block, and a preallocated input
/// tensor filled straight from the caller's floats (cheaper than building a tensor per call).
/// Every method's transformer runs its model through this one class. Calls are serialised.
/// </summary>
internal sealed class ModelRunner : IDisposable
{
    private readonly Network _network;
    private readonly Device _device;
    private readonly string[] _outputs;
    private readonly object _gate = new();
    private Tensor? _input;

    /// <summary>Wraps <paramref name="network"/>, which must already live on <paramref name="device"/>.</summary>
    /// <param name="network">The model.</param>
    /// <param name="device">Where it runs.</param>
    /// <param name="outputs">The outputs to write per row, in order (head names, or "features").</param>
    public ModelRunner(Network network, Device device, IReadOnlyList<string> outputs)
    {
        _network = network;
        _device = device;
        _outputs = outputs.ToArray();
        network.eval();
        Offsets = new int[_outputs.Length];
        int offset = 0;
        for (int i = 0; i < _outputs.Length; i++)
        {
            Offsets[i] = offset;
            offset += network.OutputSizes.TryGetValue(_outputs[i], out int size) ? size
                : throw new ArgumentException($"The model has no output '{_outputs[i]}'.", nameof(outputs));
        }
        OutputLength = offset;
    }

    /// <summary>Floats per input row.</summary>
    public int InputLength => _network.InputLength;

    /// <summary>Floats per output row: the outputs side by side.</summary>
    public int OutputLength { get; }

    /// <summary>Where output i starts within an output row.</summary>
    public int[] Offsets { get; }

    /// <summary>Runs <paramref name="rows"/> rows laid out one after another in <paramref name="input"/>.</summary>
    public void Predict(ReadOnlySpan<float> input, int rows, Span<float> output)
    {
        if (rows < 1) return;
        if (input.Length < rows * InputLength) throw new ArgumentException("Input is shorter than rows x InputLength.", nameof(input));
        if (output.Length < rows * OutputLength) throw new ArgumentException("Output is shorter than rows x OutputLength.", nameof(output));
        lock (_gate)
        {
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            var x = InputBuffer(rows).narrow(0, 0, rows);
            input[..(rows * InputLength)].CopyTo(MemoryMarshal.Cast<byte, float>(x.bytes));
            if (_device.type != DeviceType.CPU) x = x.to(_device);
            var parts = _network.Outputs(x, _outputs);
            var result = parts.Length == 1 ? parts[0] : torch.cat(parts, 1);
            if (result.device_type != DeviceType.CPU) result = result.cpu();
            MemoryMarshal.Cast<byte, float>(result.contiguous().bytes).CopyTo(output);
        }
    }

    /// <summary>Runs every row of <paramref name="features"/> ([count, InputLength], row-major) in blocks of <paramref name="blockRows"/> (default: <see cref="RowBlocks"/>); returns [count, OutputLength].</summary>
    public float[] PredictAll(float[] features, int count, int blockRows = 0)
    {
        if (blockRows < 1) blockRows = RowBlocks.For(InputLength);
        var output = new float[(long)count * OutputLength];
        for (int start = 0; start < count; start += blockRows)
        {
            int rows = Math.Min(blockRows, count - start);
            Predict(features.AsSpan(start * InputLength, rows * InputLength), rows, output.AsSpan(start * OutputLength, rows * OutputLength));
        }
        return output;
    }

    private Tensor InputBuffer(int rows)
    {
        if (_input is null || _input.shape[0] < rows)
        {
            _input?.Dispose();
            _input = torch.empty([Math.Max(rows, 1), InputLength], ScalarType.Float32).DetachFromDisposeScope();
        }
        return _input;
    }

    /// <summary>Frees the input buffer (the network belongs to the caller).</summary>
    public void Dispose()
    {
        _input?.Dispose();
        _input = null;
    }
}
