using System.Runtime.InteropServices;
using TorchSharp;
using TransferLearning.ML.Torch.Modules;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Inference;

/// <summary>
/// Runs a trained <see cref="Network"/> on blocks of rows: eval mode, no_grad, one dispose scope
/// per block, and a preallocated input tensor filled straight from the caller's floats (cheaper
/// than building a tensor per call). Each output row holds the class probabilities and, when asked
/// for, the network's features after them. Thread-safe: calls are serialised.
/// </summary>
public sealed class BatchPredictor : IDisposable
{
    private readonly Network _network;
    private readonly Device _device;
    private readonly bool _includeFeatures;
    private readonly object _gate = new();
    private Tensor? _input;

    /// <summary>Wraps <paramref name="network"/>, which must already live on <paramref name="device"/>.</summary>
    public BatchPredictor(Network network, Device device, bool includeFeatures)
    {
        _network = network;
        _device = device;
        _includeFeatures = includeFeatures;
        network.eval();
        OutputLength = network.OutputSize + (includeFeatures ? network.FeatureSize : 0);
    }

    /// <summary>Floats per input row.</summary>
    public int InputLength => _network.InputLength;

    /// <summary>Floats per output row: class probabilities, then features when included.</summary>
    public int OutputLength { get; }

    /// <summary>Predicts <paramref name="rows"/> rows laid out one after another in <paramref name="input"/>.</summary>
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
            var features = _network.Features(x);
            var result = nn.functional.softmax(_network.Head(features), 1);
            if (_includeFeatures) result = torch.cat([result, features], 1);
            if (result.device_type != DeviceType.CPU) result = result.cpu();
            MemoryMarshal.Cast<byte, float>(result.contiguous().bytes).CopyTo(output);
        }
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
