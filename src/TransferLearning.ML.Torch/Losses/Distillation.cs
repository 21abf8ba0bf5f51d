using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Losses;

/// <summary>How output distillation measures the distance between student and teacher outputs.</summary>
public enum DistillationLoss
{
    /// <summary>
    /// T² · KL(softmax(teacher/T) ‖ softmax(student/T)), averaged over rows (Hinton, Vinyals and Dean
    /// 2015; Li and Hoiem 2016, "Learning without Forgetting"). The default.
    /// </summary>
    KullbackLeibler,

    /// <summary>Mean squared difference of the logits (Ba and Caruana 2014).</summary>
    SquaredError,
}

/// <summary>Output distillation: keeps a student's outputs close to a teacher's on the same inputs.</summary>
internal static class Distillation
{
    /// <summary>The distance between <paramref name="student"/> and <paramref name="teacher"/> logits, both [rows, classes].</summary>
    public static Tensor Loss(Tensor student, Tensor teacher, DistillationLoss kind, double temperature)
    {
        if (!(temperature > 0)) throw new ArgumentException($"The distillation temperature must be greater than 0, got {temperature}.", nameof(temperature));
        switch (kind)
        {
            case DistillationLoss.KullbackLeibler:
                var target = nn.functional.softmax(teacher / temperature, 1);
                var logTarget = nn.functional.log_softmax(teacher / temperature, 1);
                var logStudent = nn.functional.log_softmax(student / temperature, 1);
                return (target * (logTarget - logStudent)).sum(1).mean() * (temperature * temperature);
            case DistillationLoss.SquaredError:
                return (student - teacher).square().mean();
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown distillation loss.");
        }
    }
}
