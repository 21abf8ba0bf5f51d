using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.Data;

/// <summary>
/// The values behind a key column (a label's class names, usually text), kept so that a model's
/// PredictedLabel carries the same key values as the label it was trained on and MapKeyToValue
/// turns it back into the original classes, before and after save/load.
/// </summary>
internal sealed class KeyValues
{
    private static readonly (string Tag, DataViewType Type)[] Supported =
    [
        ("Text", TextDataViewType.Instance),
        ("Boolean", BooleanDataViewType.Instance),
        ("Single", NumberDataViewType.Single),
        ("Double", NumberDataViewType.Double),
        ("SByte", NumberDataViewType.SByte),
        ("Byte", NumberDataViewType.Byte),
        ("Int16", NumberDataViewType.Int16),
        ("UInt16", NumberDataViewType.UInt16),
        ("Int32", NumberDataViewType.Int32),
        ("UInt32", NumberDataViewType.UInt32),
        ("Int64", NumberDataViewType.Int64),
        ("UInt64", NumberDataViewType.UInt64),
    ];

    private readonly string _tag;
    private readonly string[] _text;

    private KeyValues(string tag, string[] text)
    {
        _tag = tag;
        _text = text;
        ItemType = Supported.First(s => s.Tag == tag).Type;
    }

    /// <summary>The key values' item type.</summary>
    public DataViewType ItemType { get; }

    /// <summary>The number of values (keys).</summary>
    public int Count => _text.Length;

    /// <summary>The values as invariant text, for slot names and display.</summary>
    public IReadOnlyList<string> Names => _text;

    /// <summary>The item type's tag: "Text", "Int32", "Boolean", ...</summary>
    public string Tag => _tag;

    /// <summary>Key values given as invariant text, of the item type <paramref name="tag"/> (default text).</summary>
    /// <exception cref="InvalidDataException">The tag is unknown, or a value does not parse as that type.</exception>
    public static KeyValues FromNames(IEnumerable<string> names, string tag = "Text")
    {
        if (!Supported.Any(s => s.Tag == tag)) throw new InvalidDataException($"Unknown key-value type '{tag}'.");
        var values = new KeyValues(tag, names.ToArray());
        values.ToAnnotations(AnnotationKinds.KeyValues); // parses every value: a bad one fails now, not at prediction time
        return values;
    }

    /// <summary>The KeyValues annotation of <paramref name="column"/>, or null when it has none or of an unsupported type.</summary>
    public static KeyValues? FromColumn(DataViewSchema.Column column)
    {
        var annotation = column.Annotations.Schema.GetColumnOrNull(AnnotationKinds.KeyValues);
        if (annotation?.Type is not VectorDataViewType { ItemType: var item }) return null;
        var supported = Supported.FirstOrDefault(s => s.Type.Equals(item));
        if (supported.Tag is null) return null;
        var read = typeof(KeyValues).GetMethod(nameof(ReadAsText), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(item.RawType);
        return new KeyValues(supported.Tag, (string[])read.Invoke(null, [column.Annotations])!);
    }

    /// <summary>Annotations holding these values under <paramref name="kind"/> (KeyValues keeps the type; SlotNames is always text).</summary>
    public DataViewSchema.Annotations ToAnnotations(string kind)
    {
        var builder = new DataViewSchema.Annotations.Builder();
        if (kind == AnnotationKinds.SlotNames || _tag == "Text")
        {
            var names = _text.Select(t => t.AsMemory()).ToArray();
            builder.Add(kind, new VectorDataViewType(TextDataViewType.Instance, names.Length),
                (ref VBuffer<ReadOnlyMemory<char>> value) => value = new VBuffer<ReadOnlyMemory<char>>(names.Length, names));
        }
        else
        {
            var add = typeof(KeyValues).GetMethod(nameof(AddTyped), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                .MakeGenericMethod(ItemType.RawType);
            add.Invoke(this, [builder, kind]);
        }
        return builder.ToAnnotations();
    }

    // Layout: string type tag, int32 count, then count invariant-culture strings.
    public void Save(BinaryWriter writer)
    {
        writer.Write(_tag);
        writer.Write(_text.Length);
        foreach (var value in _text) writer.Write(value);
    }

    /// <exception cref="InvalidDataException">The stored values are not a valid key-value list of <paramref name="expectedCount"/> entries.</exception>
    public static KeyValues Load(BinaryReader reader, int expectedCount)
    {
        string tag = reader.ReadString();
        if (!Supported.Any(s => s.Tag == tag)) throw new InvalidDataException($"Unknown key-value type '{tag}'.");
        int count = reader.ReadInt32();
        if (count != expectedCount) throw new InvalidDataException($"The model holds {count} class names for {expectedCount} classes.");
        var text = new string[count];
        for (int i = 0; i < count; i++) text[i] = reader.ReadString();
        var values = new KeyValues(tag, text);
        values.ToAnnotations(AnnotationKinds.KeyValues); // parses every value: a corrupt one fails now, not at prediction time
        return values;
    }

    private static string[] ReadAsText<T>(DataViewSchema.Annotations annotations)
    {
        VBuffer<T> values = default;
        annotations.GetValue(AnnotationKinds.KeyValues, ref values);
        return values.DenseValues().Select(v => v switch
        {
            ReadOnlyMemory<char> text => text.ToString(),
            IFormattable number => number.ToString(number is float or double ? "R" : null, CultureInfo.InvariantCulture),
            _ => v?.ToString() ?? "",
        }).ToArray();
    }

    private void AddTyped<T>(DataViewSchema.Annotations.Builder builder, string kind)
    {
        var values = _text.Select(t => Parse<T>(t)).ToArray();
        builder.Add(kind, new VectorDataViewType((PrimitiveDataViewType)ItemType, values.Length),
            (ref VBuffer<T> value) => value = new VBuffer<T>(values.Length, values));
    }

    private static T Parse<T>(string text)
    {
        try
        {
            return (T)(typeof(T) == typeof(bool) ? bool.Parse(text) : Convert.ChangeType(text, typeof(T), CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            throw new InvalidDataException($"Key value '{text}' is not a valid {typeof(T).Name}.", e);
        }
    }
}
