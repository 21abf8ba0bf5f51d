namespace TransferLearning.ML.Datasets;

/// <summary>
/// A small natural-image set: the 168 photographic stamps of Debian's tuxpaint-stamps-default
/// (GPL-2; photographs of single objects cut out on a transparent background), sorted by
/// eng/fetch-datasets.sh into five classes by the package's own folders — bird (35, animals/birds),
/// flower (25, plants/flowers), fruit (26, food/fruit), mammal (64, animals/mammals with its
/// subfolders), vegetable (18, food/vegetables) — leaving out the cartoon drawings and toys. Each
/// object is a different photograph, so any split of the images is a split of the photographs.
/// </summary>
public static class StampPhotos
{
    /// <summary>The class names, in label order.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["bird", "flower", "fruit", "mammal", "vegetable"];

    /// <summary>Every stamp as planar RGB in [0, 1] over white, stretched to <paramref name="side"/> × <paramref name="side"/>.</summary>
    /// <exception cref="FileNotFoundException">The set is not in the dataset cache; the message says how to fetch it.</exception>
    public static ImageDataset Load(int side)
    {
        var folder = Path.GetDirectoryName(Path.GetDirectoryName(DatasetCache.File("stamp-photos/bird/crow.png")))!;
        var images = ImageFolder.Load(folder, side, side, grayscale: false);
        if (!images.ClassNames.SequenceEqual(ClassNames))
            throw new InvalidDataException($"'{folder}' should hold the folders {string.Join(", ", ClassNames)}, not {string.Join(", ", images.ClassNames)}: fetch it again with eng/fetch-datasets.sh.");
        return images;
    }
}
