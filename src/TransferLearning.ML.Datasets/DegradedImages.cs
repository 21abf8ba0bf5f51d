namespace TransferLearning.ML.Datasets;

/// <summary>
/// A shifted target domain made from any image set, with no download: each image resampled down to
/// a coarse grid and back (as optdigits' 8x8 images are blurred versions of handwriting), then
/// mixed with uniform noise — the kind of shift a model trained on clean images meets on
/// scanned or low-resolution inputs. <c>tlml demo</c> transfers from the clean digits to these.
/// </summary>
public static class DegradedImages
{
    /// <summary>
    /// <paramref name="images"/> resampled to <paramref name="coarse"/> x <paramref name="coarse"/> and back, then
    /// each pixel v → min(1, (1 − <paramref name="noise"/>)·v + <paramref name="noise"/>·u), u uniform in [0, 1) drawn from <paramref name="seed"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="coarse"/> is below 1, or <paramref name="noise"/> is outside [0, 1].</exception>
    public static ImageDataset BlurredAndNoisy(ImageDataset images, int coarse = 8, double noise = 0.3, int seed = 7)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfLessThan(coarse, 1);
        if (!(noise >= 0 && noise <= 1)) throw new ArgumentOutOfRangeException(nameof(noise), noise, "The noise share must be in [0, 1].");
        var blurred = images.Resize(coarse, coarse).Resize(images.Height, images.Width);
        var random = new Random(seed);
        var degraded = blurred.Images.Select(image => image.Select(v => (float)Math.Min(1, (1 - noise) * v + noise * random.NextDouble())).ToArray()).ToArray();
        return new ImageDataset(images.Channels, images.Height, images.Width, degraded, images.Labels, images.ClassNames);
    }
}
