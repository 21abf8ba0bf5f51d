using Microsoft.ML;
using Microsoft.ML.Data;
using TransferLearning.ML.Data;
using TransferLearning.ML.Serialization;
using TransferLearning.ML.Torch.Adaptation;
using TransferLearning.ML.Torch.Training;

namespace TransferLearning.ML.DomainAdaptation;

/// <summary>
/// Transfer Component Analysis (Pan, Tsang, Kwok and Yang, IEEE Transactions on Neural Networks
/// 2011): a kernel projection onto m components that keeps the data's variance while shrinking the
/// maximum mean discrepancy between the source and target domains. Any ML.NET trainer can then learn
/// on the source rows' components and predict on the target's.
/// </summary>
/// <remarks>
/// Input: a float vector feature column and a Boolean domain column (true on target rows; see
/// <c>CombineDomains</c>); labels are not used. Output: a vector of <c>Components</c> Singles. The
/// eigenproblem is n x n in the rows fitted on (capped by <c>MaximumRows</c>); every row, fitted or
/// new, is projected through the kernel against the fitted rows.
/// </remarks>
public sealed class TransferComponentsEstimator : IEstimator<NetworkTransformer>
{
    private readonly TransferComponentsOptions _options;

    /// <summary>Creates the estimator; the options are checked now.</summary>
    internal TransferComponentsEstimator(TransferComponentsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>Solves the eigenproblem on (a sample of) the source and target rows.</summary>
    /// <exception cref="ArgumentException">A column is missing or of the wrong type, or more components than rows are asked for.</exception>
    /// <exception cref="InvalidDataException">No source or no target rows, or a NaN feature.</exception>
    public NetworkTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var features = ColumnChecks.FloatVector(input.Schema, _options.FeatureColumnName, "Feature");
        var domain = ColumnChecks.Boolean(input.Schema, _options.DomainColumnName, "Domain");
        var (source, target) = LabeledRows.ReadDomains(input, features, null, domain);
        var random = new Random(_options.Seed);
        int half = _options.MaximumRows / 2;
        int sourceCount = Math.Min(source.Count, Math.Max(half, _options.MaximumRows - target.Count));
        int targetCount = Math.Min(target.Count, _options.MaximumRows - sourceCount);
        if (_options.Components > sourceCount + targetCount)
            throw new ArgumentException(
                $"Option Components is {_options.Components}, but TCA is fitted on {sourceCount + targetCount} rows; ask for at most that many.",
                nameof(TransferComponentsOptions.Components));
        var model = TransferComponentAnalysis.Fit(Sample(source, sourceCount, random), sourceCount, Sample(target, targetCount, random), targetCount,
            source.Length, _options.Components, _options.Mu, _options.Kernel, _options.RbfGamma);
        var network = TransferComponentsModel.Build(model);
        return new NetworkTransformer("TransferComponents", network, DeviceKind.Cpu, new ModelInput(_options.FeatureColumnName, "Feature"),
            [new OutputColumnSpec(_options.OutputColumnName, TransferComponentsModel.Head, OutputColumnKind.Vector)], null, null);
    }

    private static float[] Sample(LabeledRows rows, int count, Random random)
    {
        if (count == rows.Count) return rows.Features;
        var chosen = Enumerable.Range(0, rows.Count).ToArray();
        random.Shuffle(chosen);
        Array.Sort(chosen, 0, count);
        var sample = new float[count * rows.Length];
        for (int i = 0; i < count; i++)
            rows.Features.AsSpan(chosen[i] * rows.Length, rows.Length).CopyTo(sample.AsSpan(i * rows.Length));
        return sample;
    }

    /// <summary>The input schema plus the transfer-component vector.</summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnChecks.FloatVector(inputSchema, _options.FeatureColumnName, "Feature");
        ColumnChecks.Boolean(inputSchema, _options.DomainColumnName, "Domain");
        var columns = inputSchema.ToDictionary(c => c.Name);
        columns[_options.OutputColumnName] = new SchemaShape.Column(_options.OutputColumnName, SchemaShape.Column.VectorKind.Vector,
            NumberDataViewType.Single, false);
        return new SchemaShape(columns.Values);
    }
}
