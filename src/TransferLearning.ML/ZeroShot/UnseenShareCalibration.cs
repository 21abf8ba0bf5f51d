using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Torch.Models;
using TransferLearning.ML.Torch.Modules;
using TransferLearning.ML.Torch.ZeroShot;

namespace TransferLearning.ML.ZeroShot;

/// <summary>
/// Calibrated stacking (Chao et al. 2016) with the penalty chosen on unlabelled deployment rows
/// (transductive): the seen-class penalty is raised until a given share of those rows goes to an
/// unseen candidate. It needs no labels and no stand-in classes, only the share of unseen-class rows
/// one expects among them (by default the unseen classes' share of the candidates: a uniform class
/// prior). The class-split calibration learns where the curve's best point is on classes that are not
/// the real unseen ones, and on Fashion-MNIST that choice, not the models, limited the harmonic mean
/// (docs/benchmarks/zero-shot.md); this choice moves along the same curve to a point fixed by the
/// deployment rows themselves. It is wrong by as much as the expected share is.
/// </summary>
internal static class UnseenShareCalibration
{
    /// <summary>The model with its seen-class offsets raised by the penalty that sends <paramref name="unseenShare"/> of <paramref name="rows"/> to an unseen candidate.</summary>
    /// <exception cref="ArgumentException">The model is not a generalised zero-shot model, the rows are empty or lack its input, or the share is outside (0, 1).</exception>
    public static NetworkTransformer Calibrate(NetworkTransformer model, IDataView rows, double? unseenShare)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var (seen, candidates, scoresHead) = CalibratedStacking.Parts(model);
        var isSeen = candidates.Select(seen.Contains).ToArray();
        if (!isSeen.Contains(true) || !isSeen.Contains(false))
            throw new ArgumentException(
                "Calibrating to an unseen share needs a generalised zero-shot model (Mode = Generalized: seen and unseen classes both candidates); " +
                $"this one's candidates are all {(isSeen.Contains(true) ? "seen" : "unseen")}.", nameof(model));
        double share = unseenShare ?? (double)isSeen.Count(s => !s) / isSeen.Length;
        if (!(share > 0 && share < 1))
            throw new ArgumentException($"Option unseenShare must be in (0, 1) (the expected share of unseen-class rows), but is {share}.", nameof(unseenShare));

        var margins = Margins(model, rows, isSeen);
        double penalty = Penalty(margins, share);
        var offsets = candidates.Select((_, c) => (scoresHead.Offsets?[c] ?? 0f) + (isSeen[c] ? (float)penalty : 0f)).ToArray();
        return WithOffsets(model, scoresHead, offsets);
    }

    /// <summary>Each row's best seen score minus its best unseen score, sorted.</summary>
    private static double[] Margins(NetworkTransformer model, IDataView rows, bool[] isSeen)
    {
        var scoreName = model.OutputColumns.First(c => c.Output == ZeroShotModels.Scores && c.Kind == OutputColumnKind.Vector).Name;
        var scored = model.Transform(rows);
        var column = scored.Schema[scoreName];
        var margins = new List<double>();
        using (var cursor = scored.GetRowCursor([column]))
        {
            var get = cursor.GetGetter<VBuffer<float>>(column);
            VBuffer<float> values = default;
            while (cursor.MoveNext())
            {
                get(ref values);
                var scores = values.DenseValues().ToArray();
                // The curve's own margin, so that the share chosen here is a point of the same seen-unseen curve.
                var (bestSeen, bestUnseen) = SeenUnseenCurve.BestOfEach(scores, isSeen);
                margins.Add(scores[bestSeen] - scores[bestUnseen]);
            }
        }
        if (margins.Count == 0) throw new ArgumentException("There are no rows to calibrate on: pass unlabelled rows like the ones the model will score.", nameof(rows));
        margins.Sort();
        return margins.ToArray();
    }

    /// <summary>
    /// The penalty that sends round(share × rows) rows to an unseen candidate: midway between the
    /// margins either side of that count, as the seen–unseen curve places its points.
    /// </summary>
    private static double Penalty(double[] margins, double share)
    {
        int unseenRows = (int)Math.Round(share * margins.Length);
        if (unseenRows == 0) return margins[0] - 1;
        if (unseenRows == margins.Length) return margins[^1] + 1;
        return (margins[unseenRows - 1] + margins[unseenRows]) / 2;
    }

    /// <summary>The same model and weights with the candidate-scores head's offsets replaced.</summary>
    private static NetworkTransformer WithOffsets(NetworkTransformer model, CandidateScoresSpec head, float[] offsets)
    {
        var old = model.ModelSpec;
        var spec = new ModelSpec
        {
            Trunk = old.Trunk, Columns = old.Columns, Encoders = old.Encoders,
            Heads = old.Heads.Select(h => h != head ? h : new CandidateScoresSpec(head.Name, head.Input, head.Candidates, head.Matching)
                { Probabilities = head.Probabilities, Offsets = offsets }).ToArray(),
        };
        var network = new Network(spec, model.InputLength);
        network.load_state_dict(model.Network.state_dict());
        return new NetworkTransformer(model.Method, network, model.Device, model.Input, model.OutputColumns, model.ClassLists, model.TrainingReport);
    }
}
