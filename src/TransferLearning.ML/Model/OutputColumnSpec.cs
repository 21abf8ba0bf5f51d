namespace TransferLearning.ML;

/// <summary>What kind of column a model output becomes.</summary>
public enum OutputColumnKind
{
    /// <summary>A float vector (features, an embedding, attributes, candidate scores, transfer components); slot names optional.</summary>
    Vector,

    /// <summary>
    /// Multiclass scores: a float vector of class probabilities whose slot names are the classes,
    /// annotated as ML.NET's multiclass trainers annotate <c>Score</c>.
    /// </summary>
    ClassScores,

    /// <summary>A single Single: an output of size 1, such as a regression task's prediction (what ML.NET's regression evaluator reads as Score).</summary>
    Scalar,

    /// <summary>The logistic sigmoid of an output of size 1 (a binary task's logit): ML.NET's binary Probability.</summary>
    Probability,

    /// <summary>Whether an output of size 1 (a logit) is positive: ML.NET's binary PredictedLabel, a Boolean.</summary>
    PredictedBoolean,

    /// <summary>The 1-based index of the output's largest value as a key (<c>PredictedLabel</c>), carrying the classes as key values.</summary>
    PredictedKey,
}

/// <summary>
/// One output column of a <see cref="NetworkTransformer"/>, declared from one of its model's named
/// outputs (a head, or the trunk's "features"). A transformer stores its declarations, so a loaded
/// model writes the same columns.
/// </summary>
/// <param name="Name">The column's name.</param>
/// <param name="Output">The model output it shows (a head's name, or "features").</param>
/// <param name="Kind">How the output becomes a column.</param>
/// <param name="Names">Slot names (vectors) or key values (keys), in output order; null for none.</param>
/// <param name="NamesType">
/// The item type of <paramref name="Names"/> as key values: "Text" (the default), or the label's
/// original type ("Int32", "Boolean", ...), so that <c>MapKeyToValue</c> restores the original values.
/// </param>
public sealed record OutputColumnSpec(string Name, string Output, OutputColumnKind Kind, IReadOnlyList<string>? Names = null, string NamesType = "Text");
