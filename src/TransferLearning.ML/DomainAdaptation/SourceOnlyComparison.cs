using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Data;

namespace TransferLearning.ML.DomainAdaptation;

/// <summary>
/// A label-free check of an adapted model against a source-only model trained the same way (the
/// same network, augmentation and normalisation, with MaximumLambda = 0 and no target-side losses),
/// on the target rows: how often the two predict the same class, and how often the adapted model
/// keeps the source-only model's prediction where that model is most confident. Adaptation should
/// change predictions where the source-only model is unsure; where it is most sure it is usually
/// right, so each of those rows the adapted model changes is likely a new error. A low
/// <see cref="ConfidentAgreement"/> is the sign of negative transfer that no source-side figure
/// shows (the adapted model can keep 98 % source accuracy and lose 40 points on the target).
/// The check is this package's own (no paper defines it); it was measured before it was shipped.
/// </summary>
/// <param name="Rows">Target rows compared.</param>
/// <param name="Agreement">Share of the rows where both models predict the same class.</param>
/// <param name="ConfidentAgreement">The same share on the source-only model's most confident rows (<see cref="ConfidentShare"/> of them, by its highest score).</param>
/// <param name="ConfidentShare">The share of rows taken as the source-only model's most confident.</param>
/// <param name="Warnings">Why the adapted model may be worse than the source-only one; empty when the check saw no sign of it.</param>
public sealed record SourceOnlyComparison(int Rows, double Agreement, double ConfidentAgreement, double ConfidentShare, IReadOnlyList<string> Warnings)
{
    /// <summary>
    /// Below this <see cref="ConfidentAgreement"/> the comparison warns: 0.95 (more than 5 % of the
    /// source-only model's surest predictions changed). Chosen on the domain-adaptation benchmark
    /// (docs/benchmarks/domain-adaptation.md, "Agreement with the source-only model"; 30 models on two
    /// targets): every model that lost to its source-only model was below it (6 of 6, losses of 0.2 to
    /// 44 points), and 1 of the 24 that did not (a gain of 2 points). Fitted on that one run, so a
    /// sign to check with a few target labels, not a proof.
    /// </summary>
    public const double WarningThreshold = 0.95;

    /// <summary>Default <see cref="ConfidentShare"/>: the source-only model's most confident quarter of the rows.</summary>
    public const double DefaultConfidentShare = 0.25;

    /// <summary>Compares the two models' predictions on <paramref name="targetRows"/> (see the type's summary).</summary>
    /// <exception cref="ArgumentException">A score column is missing or not a float vector, the two have different sizes, the rows are empty, or the share is outside (0, 1].</exception>
    internal static SourceOnlyComparison Compare(ITransformer adapted, ITransformer sourceOnly, IDataView targetRows, string scoreColumnName, double confidentShare)
    {
        ArgumentNullException.ThrowIfNull(adapted);
        ArgumentNullException.ThrowIfNull(sourceOnly);
        ArgumentNullException.ThrowIfNull(targetRows);
        if (!(confidentShare > 0 && confidentShare <= 1))
            throw new ArgumentException($"Option confidentShare must be in (0, 1], but is {confidentShare}.", nameof(confidentShare));
        var adaptedRows = Predictions(adapted.Transform(targetRows), scoreColumnName, "adapted");
        var sourceOnlyRows = Predictions(sourceOnly.Transform(targetRows), scoreColumnName, "sourceOnly");
        if (adaptedRows.Classes != sourceOnlyRows.Classes)
            throw new ArgumentException(
                $"The adapted model's Score column '{scoreColumnName}' has {adaptedRows.Classes} classes and the source-only model's {sourceOnlyRows.Classes}: compare models of the same label.",
                nameof(sourceOnly));
        int rows = adaptedRows.Predicted.Length;
        if (rows == 0) throw new ArgumentException("There are no target rows to compare the models on.", nameof(targetRows));

        int agreed = Enumerable.Range(0, rows).Count(i => adaptedRows.Predicted[i] == sourceOnlyRows.Predicted[i]);
        int confident = Math.Max(1, (int)Math.Round(confidentShare * rows));
        var mostConfident = Enumerable.Range(0, rows).OrderByDescending(i => sourceOnlyRows.Confidence[i]).ThenBy(i => i).Take(confident).ToArray();
        double confidentAgreement = mostConfident.Count(i => adaptedRows.Predicted[i] == sourceOnlyRows.Predicted[i]) / (double)confident;
        var warnings = new List<string>();
        if (confidentAgreement < WarningThreshold)
            warnings.Add($"The adapted model changes {1 - confidentAgreement:P0} of the source-only model's predictions on the {confidentShare:P0} of target rows where that model is most confident " +
                $"(threshold {1 - WarningThreshold:P0}): adaptation has likely hurt. Prefer the source-only model unless target labels say otherwise.");
        return new SourceOnlyComparison(rows, agreed / (double)rows, confidentAgreement, confidentShare, warnings);
    }

    /// <summary>Each row's predicted class (highest score; the first among ties) and that score.</summary>
    private static (int Classes, int[] Predicted, float[] Confidence) Predictions(IDataView scored, string scoreColumnName, string model)
    {
        var column = ColumnChecks.FloatVector(scored.Schema, scoreColumnName, $"The {model} model's Score");
        var predicted = new List<int>();
        var confidence = new List<float>();
        using var cursor = scored.GetRowCursor([column]);
        var get = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> values = default;
        while (cursor.MoveNext())
        {
            get(ref values);
            var scores = values.DenseValues().ToArray();
            int best = 0;
            for (int c = 1; c < scores.Length; c++) if (scores[c] > scores[best]) best = c;
            predicted.Add(best);
            confidence.Add(scores[best]);
        }
        return (((VectorDataViewType)column.Type).Size, predicted.ToArray(), confidence.ToArray());
    }
}
