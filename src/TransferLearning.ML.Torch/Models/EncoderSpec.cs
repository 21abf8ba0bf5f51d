using TransferLearning.ML.Torch.Networks;

namespace TransferLearning.ML.Torch.Models;

/// <summary>
/// A task-specific input encoder (the multitask topology with different inputs per task): its own
/// layers read the slice [<see cref="Offset"/>, <see cref="Offset"/> + <see cref="Length"/>) of the
/// input row and feed the shared trunk. The path encoder → trunk is the model output named
/// <see cref="Name"/>, which heads read through <see cref="HeadSpec.Input"/>. Blocks are stored as
/// <c>encoders.{name}.block{i}</c>.
/// </summary>
/// <param name="name">The encoder's name (and its output's): letters, digits, '-' and '_'.</param>
/// <param name="offset">Where its slice of the input row starts; at least 0.</param>
/// <param name="length">How many values it reads; at least 1.</param>
/// <param name="layers">Its layers; their input shape is the slice's (a vector of <paramref name="length"/>, or a declared image shape of that size).</param>
public sealed class EncoderSpec(string name, int offset, int length, NetworkSpec layers)
{
    /// <summary>The encoder's name.</summary>
    public string Name { get; init; } = name;

    /// <summary>Start of its input slice.</summary>
    public int Offset { get; init; } = offset;

    /// <summary>Length of its input slice.</summary>
    public int Length { get; init; } = length;

    /// <summary>Its layers.</summary>
    public NetworkSpec Layers { get; init; } = layers;
}
