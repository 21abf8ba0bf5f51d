namespace TransferLearning.ML.ZeroShot;

/// <summary>Works out the candidate classes and checks the table covers every class involved.</summary>
internal static class CandidateClasses
{
    /// <exception cref="ArgumentException">A seen or candidate class is missing from the table, or there is no candidate.</exception>
    public static string[] Resolve(IZeroShotOutput options, IReadOnlyList<string> seen)
    {
        var table = options.ClassDescriptions!;
        foreach (var name in seen)
            if (!table.Contains(name))
                throw new ArgumentException(
                    $"Class '{name}' of the training labels is not in the class description table ({table.Names.Count} classes: " +
                    $"{string.Join(", ", table.Names.Take(10))}{(table.Names.Count > 10 ? ", ..." : "")}).", nameof(options.ClassDescriptions));
        var seenSet = seen.ToHashSet(StringComparer.Ordinal);
        var candidates = options.CandidateClasses?.ToArray()
            ?? (options.Mode == ZeroShotMode.Unseen ? table.Names.Where(n => !seenSet.Contains(n)).ToArray() : table.Names.ToArray());
        foreach (var name in candidates)
            if (!table.Contains(name))
                throw new ArgumentException($"Candidate class '{name}' is not in the class description table.", nameof(options.CandidateClasses));
        if (candidates.Distinct().Count() != candidates.Length)
            throw new ArgumentException("The candidate classes repeat a name.", nameof(options.CandidateClasses));
        if (candidates.Length == 0)
            throw new ArgumentException(
                "There are no candidate classes: every class of the description table is a training class. Add unseen classes to the table, " +
                "list CandidateClasses, or use ZeroShotMode.Generalized.", nameof(options.CandidateClasses));
        return candidates;
    }
}
