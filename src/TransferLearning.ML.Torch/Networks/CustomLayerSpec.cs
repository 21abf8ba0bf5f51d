using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Networks;

/// <summary>
/// A block built by a factory that the application registered with <see cref="CustomLayers.Register"/>.
/// The spec stores only the factory's name and its settings, so loading a model that uses it runs
/// no code from the file: the same factory must be registered in the loading process.
/// </summary>
public sealed class CustomLayerSpec : LayerSpec
{
    /// <summary>Creates a spec for the registered factory <paramref name="factory"/>.</summary>
    public CustomLayerSpec(string factory) => Factory = factory;

    /// <summary>The name the factory was registered under.</summary>
    public string Factory { get; init; }

    /// <summary>Settings handed to the factory (for example sizes); empty by default.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <inheritdoc />
    public override int[] OutputShape(int[] inputShape) => Resolve().OutputShape(inputShape, Settings);

    internal override nn.Module<Tensor, Tensor> CreateModule(int[] inputShape) => Resolve().Create(inputShape, Settings);

    private ICustomLayerFactory Resolve() => CustomLayers.TryGet(Factory, out var factory)
        ? factory
        : throw Invalid($"Custom layer '{Factory}' is not registered in this process. Call CustomLayers.Register(\"{Factory}\", ...) " +
                        "before building or loading a network that uses it.");
}

/// <summary>Builds the module of a <see cref="CustomLayerSpec"/>.</summary>
public interface ICustomLayerFactory
{
    /// <summary>Checks the settings against the input shape and returns the block's output shape.</summary>
    int[] OutputShape(int[] inputShape, IReadOnlyDictionary<string, string> settings);

    /// <summary>Creates the block's module; its parameter names become part of the saved model's contract.</summary>
    nn.Module<Tensor, Tensor> Create(int[] inputShape, IReadOnlyDictionary<string, string> settings);
}

/// <summary>The process-wide registry of custom layer factories.</summary>
public static class CustomLayers
{
    private static readonly Dictionary<string, ICustomLayerFactory> Factories = new(StringComparer.Ordinal);

    /// <summary>Registers (or replaces) the factory called <paramref name="name"/>.</summary>
    public static void Register(string name, ICustomLayerFactory factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        lock (Factories) Factories[name] = factory;
    }

    /// <summary>Looks up a registered factory.</summary>
    public static bool TryGet(string name, out ICustomLayerFactory factory)
    {
        lock (Factories) return Factories.TryGetValue(name, out factory!);
    }
}
