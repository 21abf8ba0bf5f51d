using TorchSharp;

namespace TransferLearning.ML.Torch.Training;

/// <summary>Where training and inference run.</summary>
public enum DeviceKind
{
    /// <summary>CUDA when a CUDA backend and GPU are present, else the CPU. The default.</summary>
    Auto,

    /// <summary>The CPU.</summary>
    Cpu,

    /// <summary>The first CUDA GPU; fails when none is available.</summary>
    Cuda,
}

/// <summary>Chooses the TorchSharp device once, so every tensor of a run is created on it.</summary>
internal static class Devices
{
    /// <summary>The device for <paramref name="kind"/>.</summary>
    /// <exception cref="InvalidOperationException">CUDA was asked for but is not available.</exception>
    public static torch.Device Resolve(DeviceKind kind) => kind switch
    {
        DeviceKind.Cpu => torch.CPU,
        DeviceKind.Cuda => torch.cuda.is_available()
            ? torch.CUDA
            : throw new InvalidOperationException(
                "Device is Cuda, but CUDA is not available: reference a CUDA build of libtorch (e.g. the TorchSharp-cuda-linux " +
                "or TorchSharp-cuda-windows package) on a machine with an NVIDIA GPU, or use DeviceKind.Cpu / Auto."),
        DeviceKind.Auto => torch.cuda.is_available() ? torch.CUDA : torch.CPU,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown device kind."),
    };
}
