namespace TransferLearning.ML.Datasets;

/// <summary>
/// Where the real datasets fetched by <c>eng/fetch-datasets.sh</c> live: <c>$TLML_DATASETS</c>, or
/// <c>.cache/datasets</c> at the repository root (found by walking up from the working directory
/// and from this assembly). Data are never downloaded at run time.
/// </summary>
public static class DatasetCache
{
    /// <summary>The cache folder, or null when none exists.</summary>
    public static string? Directory
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("TLML_DATASETS");
            if (!string.IsNullOrEmpty(configured)) return System.IO.Directory.Exists(configured) ? configured : null;
            foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
            {
                for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                {
                    var candidate = Path.Combine(dir.FullName, ".cache", "datasets");
                    if (System.IO.Directory.Exists(candidate)) return candidate;
                }
            }
            return null;
        }
    }

    /// <summary>The path of <paramref name="relative"/> inside the cache.</summary>
    /// <exception cref="FileNotFoundException">The file is not there; the message says how to fetch it.</exception>
    public static string File(string relative)
    {
        var directory = Directory;
        var path = directory is null ? null : Path.Combine(directory, relative);
        if (path is null || !System.IO.File.Exists(path))
            throw new FileNotFoundException(
                $"Dataset file '{relative}' is not in the dataset cache ({directory ?? "no .cache/datasets found"}). Run eng/fetch-datasets.sh first " +
                "(it takes the data from Debian packages), or point TLML_DATASETS at a folder holding it.", relative);
        return path;
    }
}
