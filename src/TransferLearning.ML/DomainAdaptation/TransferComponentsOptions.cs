using TransferLearning.ML.Classification;
using TransferLearning.ML.Torch.Adaptation;

namespace TransferLearning.ML.DomainAdaptation;

/// <summary>Options of <see cref="TransferComponentsEstimator"/> (Transfer Component Analysis, Pan et al. 2011).</summary>
public sealed class TransferComponentsOptions
{
    /// <summary>Input: a known-size vector of Single. Default "Features".</summary>
    public string FeatureColumnName { get; set; } = DefaultColumnNames.Features;

    /// <summary>Input: the Boolean column that is true on target rows. Default "IsTarget".</summary>
    public string DomainColumnName { get; set; } = DomainDefaults.DomainColumnName;

    /// <summary>Output: the vector of transfer components. Default "TransferComponents".</summary>
    public string OutputColumnName { get; set; } = "TransferComponents";

    /// <summary>m, the number of transfer components. Default 30; at least 1 (and at most the rows fitted on).</summary>
    public int Components { get; set; } = 30;

    /// <summary>μ, the trade-off between a small MMD and a simple projection (tr WᵀW). Default 1 (the paper's usual value); greater than 0.</summary>
    public double Mu { get; set; } = 1.0;

    /// <summary>The kernel. Default <see cref="TcaKernel.Linear"/>.</summary>
    public TcaKernel Kernel { get; set; } = TcaKernel.Linear;

    /// <summary>γ of the RBF kernel, exp(−γ ‖x − y‖²); null (the default) for the median heuristic, 1 / median squared distance.</summary>
    public double? RbfGamma { get; set; }

    /// <summary>
    /// The eigenproblem is n x n, so at most this many rows are fitted on: when there are more, an
    /// equal number is drawn from each domain at random (all of a domain that has fewer). Default
    /// 2000; at least 2. Every row is projected, fitted or not.
    /// </summary>
    public int MaximumRows { get; set; } = 2000;

    /// <summary>Seeds the subsampling. Default 0.</summary>
    public int Seed { get; set; }

    /// <summary>Checks every setting; the exception names the option.</summary>
    public void Validate()
    {
        Check(!string.IsNullOrWhiteSpace(FeatureColumnName), nameof(FeatureColumnName), FeatureColumnName, "a non-empty column name");
        Check(!string.IsNullOrWhiteSpace(DomainColumnName), nameof(DomainColumnName), DomainColumnName, "a non-empty column name");
        Check(!string.IsNullOrWhiteSpace(OutputColumnName), nameof(OutputColumnName), OutputColumnName, "a non-empty column name");
        Check(Components >= 1, nameof(Components), Components, "at least 1");
        Check(Mu > 0 && double.IsFinite(Mu), nameof(Mu), Mu, "a finite number greater than 0");
        Check(Enum.IsDefined(Kernel), nameof(Kernel), Kernel, "a defined TcaKernel");
        Check(RbfGamma is null || (RbfGamma > 0 && double.IsFinite(RbfGamma.Value)), nameof(RbfGamma), RbfGamma, "null or a finite number greater than 0");
        Check(MaximumRows >= 2, nameof(MaximumRows), MaximumRows, "at least 2");
    }

    private static void Check(bool condition, string option, object? value, string expected)
    {
        if (!condition) throw new ArgumentException($"Option {option} must be {expected}, but is {value ?? "null"}.", option);
    }
}
