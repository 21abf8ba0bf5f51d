using TorchSharp;
using static TorchSharp.torch;

namespace TransferLearning.ML.Torch.Adaptation;

/// <summary>Ranges of the random image augmentation used during domain adaptation.</summary>
/// <param name="RotationDegrees">Rotation drawn from ±this many degrees.</param>
/// <param name="Scale">Zoom drawn from 1 ± this.</param>
/// <param name="Translation">Shift drawn from ±this fraction of the image side.</param>
/// <param name="BlurProbability">Share of images blurred with a 3x3 Gaussian (σ ≈ 0.8).</param>
/// <param name="PolarityProbability">Share of channels inverted (x → 1 − x), so that dark-on-light and light-on-dark look alike.</param>
/// <param name="Contrast">Per-channel contrast drawn from 1 ± this, around 0.5.</param>
/// <param name="Brightness">Per-channel brightness shift drawn from ±this.</param>
public sealed record AugmentationSettings(
    double RotationDegrees = 10, double Scale = 0.1, double Translation = 0.1, double BlurProbability = 0.3,
    double PolarityProbability = 0.5, double Contrast = 0.4, double Brightness = 0.2);

/// <summary>
/// Random image augmentation on a batch of flat, planar image rows with pixels in [0, 1]: a small
/// affine warp, blur, and random per-channel intensity maps including polarity. On small digit
/// sets it was by far the largest help to domain adaptation (see docs/benchmarks/domain-adaptation.md). Draws from torch's
/// generator, so runs are reproducible under a seed.
/// </summary>
internal sealed class ImageAugmentation
{
    private readonly long _channels, _height, _width;
    private readonly AugmentationSettings _settings;

    /// <summary>Augments images of <paramref name="channels"/> x <paramref name="height"/> x <paramref name="width"/>.</summary>
    public ImageAugmentation(int channels, int height, int width, AugmentationSettings settings)
    {
        if (channels < 1 || height < 2 || width < 2) throw new ArgumentException($"Augmentation needs images of at least 1x2x2, got {channels}x{height}x{width}.");
        (_channels, _height, _width) = (channels, height, width);
        _settings = settings;
    }

    /// <summary>An augmented copy of <paramref name="rows"/> ([n, C·H·W]); no gradient flows through it.</summary>
    public Tensor Apply(Tensor rows)
    {
        using var noGrad = torch.no_grad();
        long n = rows.shape[0];
        var device = rows.device;
        var x = rows.view(n, _channels, _height, _width);
        var s = _settings;

        var angle = (torch.rand(n, device: device) * 2 - 1) * (s.RotationDegrees * Math.PI / 180);
        var zoom = 1 + (torch.rand(n, device: device) * 2 - 1) * s.Scale;
        var shift = (torch.rand(n, 2, device: device) * 2 - 1) * (2 * s.Translation);
        var cos = angle.cos() / zoom;
        var sin = angle.sin() / zoom;
        var theta = torch.stack([cos, -sin, shift[.., 0], sin, cos, shift[.., 1]], 1).view(n, 2, 3);
        var grid = nn.functional.affine_grid(theta, [n, _channels, _height, _width], align_corners: false);
        x = nn.functional.grid_sample(x, grid, align_corners: false);

        if (s.BlurProbability > 0)
        {
            var kernel = torch.tensor(new float[] { 1, 2, 1, 2, 4, 2, 1, 2, 1 }, [1, 1, 3, 3], device: device) / 16;
            var blurred = nn.functional.conv2d(x.reshape(n * _channels, 1, _height, _width), kernel, padding: [1, 1]).view(n, _channels, _height, _width);
            var blur = (torch.rand(n, 1, 1, 1, device: device) < s.BlurProbability).to_type(ScalarType.Float32);
            x = blur * blurred + (1 - blur) * x;
        }

        var flip = (torch.rand(n, _channels, 1, 1, device: device) < s.PolarityProbability).to_type(ScalarType.Float32);
        x = flip * (1 - x) + (1 - flip) * x;
        var contrast = 1 + (torch.rand(n, _channels, 1, 1, device: device) * 2 - 1) * s.Contrast;
        var brightness = (torch.rand(n, _channels, 1, 1, device: device) * 2 - 1) * s.Brightness;
        x = ((x - 0.5) * contrast + 0.5 + brightness).clamp(0, 1);
        return x.reshape(n, _channels * _height * _width);
    }
}
