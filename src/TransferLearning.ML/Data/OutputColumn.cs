using Microsoft.ML;
using Microsoft.ML.Data;

namespace TransferLearning.ML.Data;

/// <summary>Gives the current row's slice of a mapping's output block.</summary>
internal delegate ReadOnlySpan<float> CurrentOutputs();

/// <summary>
/// A column a <see cref="RowBlockMapping"/> adds, computed from the floats the network produced
/// for the row (for example the class probabilities, or their argmax as a key).
/// </summary>
internal abstract class OutputColumn(string name, DataViewType type, DataViewSchema.Annotations? annotations)
{
    public string Name { get; } = name;

    public DataViewType Type { get; } = type;

    public DataViewSchema.Annotations Annotations { get; } = annotations ?? DataViewSchema.Annotations.Empty;

    /// <summary>A <see cref="ValueGetter{TValue}"/> of this column's type over the current row's outputs.</summary>
    public abstract Delegate MakeGetter(CurrentOutputs outputs);
}

/// <summary>Outputs [offset, offset + length) of each row as a float vector (e.g. Score, learned features).</summary>
internal sealed class VectorOutputColumn(string name, int offset, int length, DataViewSchema.Annotations? annotations = null)
    : OutputColumn(name, new VectorDataViewType(NumberDataViewType.Single, length), annotations)
{
    public override Delegate MakeGetter(CurrentOutputs outputs) => (ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
    {
        var editor = VBufferEditor.Create(ref value, length);
        outputs().Slice(offset, length).CopyTo(editor.Values);
        value = editor.Commit();
    });
}

/// <summary>
/// Output <paramref name="offset"/> of each row as a Single (a regression task's Score, a binary
/// task's logit), or with <paramref name="sigmoid"/> its logistic sigmoid (the binary Probability).
/// </summary>
internal sealed class ScalarOutputColumn(string name, int offset, bool sigmoid = false) : OutputColumn(name, NumberDataViewType.Single, null)
{
    public override Delegate MakeGetter(CurrentOutputs outputs) => sigmoid
        ? (ValueGetter<float>)((ref float value) => value = (float)(1 / (1 + Math.Exp(-(double)outputs()[offset]))))
        : (ValueGetter<float>)((ref float value) => value = outputs()[offset]);
}

/// <summary>Whether output <paramref name="offset"/> of each row is positive, as a Boolean (a binary task's PredictedLabel; NaN is false).</summary>
internal sealed class PositiveOutputColumn(string name, int offset) : OutputColumn(name, BooleanDataViewType.Instance, null)
{
    public override Delegate MakeGetter(CurrentOutputs outputs) => (ValueGetter<bool>)((ref bool value) => value = outputs()[offset] > 0);
}

/// <summary>
/// The 1-based index of the largest of outputs [offset, offset + length) as a UInt32 key
/// (e.g. PredictedLabel). A row whose outputs hold NaN gets the missing key, 0.
/// </summary>
internal sealed class ArgMaxKeyOutputColumn(string name, int offset, int length, DataViewSchema.Annotations? annotations = null)
    : OutputColumn(name, new KeyDataViewType(typeof(uint), length), annotations)
{
    public override Delegate MakeGetter(CurrentOutputs outputs) => (ValueGetter<uint>)((ref uint value) =>
    {
        var scores = outputs().Slice(offset, length);
        int best = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            if (float.IsNaN(scores[i])) { value = 0; return; }
            if (scores[i] > scores[best]) best = i;
        }
        value = (uint)best + 1;
    });
}
