namespace TransferLearning.ML.Clustering;

/// <summary>Maximum-weight one-to-one matching of rows to columns: the Hungarian algorithm (Kuhn 1955; Munkres 1957), O(n³).</summary>
internal static class Matching
{
    /// <summary>The largest sum of <paramref name="weights"/>[i, match(i)] over one-to-one matchings (a rectangular table is padded with zeros).</summary>
    public static long MaximumWeight(long[,] weights)
    {
        int rows = weights.GetLength(0), columns = weights.GetLength(1), n = Math.Max(rows, columns);
        long max = 0;
        foreach (var w in weights) max = Math.Max(max, w);
        // Minimise cost = max − weight on the padded square table (potentials u, v; Jonker-Volgenant style shortest augmenting paths).
        var cost = new long[n + 1, n + 1];
        for (int i = 1; i <= n; i++)
            for (int j = 1; j <= n; j++)
                cost[i, j] = max - (i <= rows && j <= columns ? weights[i - 1, j - 1] : 0);
        var u = new long[n + 1];
        var v = new long[n + 1];
        var match = new int[n + 1];   // match[j] = row assigned to column j (0: none)
        var way = new int[n + 1];
        for (int i = 1; i <= n; i++)
        {
            match[0] = i;
            int j0 = 0;
            var minimum = Enumerable.Repeat(long.MaxValue, n + 1).ToArray();
            var used = new bool[n + 1];
            do
            {
                used[j0] = true;
                int i0 = match[j0], j1 = 0;
                long delta = long.MaxValue;
                for (int j = 1; j <= n; j++)
                {
                    if (used[j]) continue;
                    long reduced = cost[i0, j] - u[i0] - v[j];
                    if (reduced < minimum[j])
                    {
                        minimum[j] = reduced;
                        way[j] = j0;
                    }
                    if (minimum[j] < delta)
                    {
                        delta = minimum[j];
                        j1 = j;
                    }
                }
                for (int j = 0; j <= n; j++)
                {
                    if (used[j])
                    {
                        u[match[j]] += delta;
                        v[j] -= delta;
                    }
                    else minimum[j] -= delta;
                }
                j0 = j1;
            }
            while (match[j0] != 0);
            do
            {
                int j1 = way[j0];
                match[j0] = match[j1];
                j0 = j1;
            }
            while (j0 != 0);
        }
        long total = 0;
        for (int j = 1; j <= n; j++)
            if (match[j] <= rows && j <= columns) total += weights[match[j] - 1, j - 1];
        return total;
    }
}
