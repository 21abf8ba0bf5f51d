using System.CommandLine;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;
using TransferLearning.ML.Clustering;

namespace TransferLearning.ML.Cli.Commands;

/// <summary>
/// <c>tlml cluster</c>: target rows in (and, for self-taught clustering, plentiful auxiliary rows);
/// their clusters out — by self-taught clustering with <c>--auxiliary</c>, else by ML.NET's KMeans —
/// with cluster sizes, agreement with a label column when one is named, and model.zip (feature
/// columns by name in, PredictedLabel = the cluster out).
/// </summary>
internal static class ClusterCommand
{
    public static Command Create()
    {
        var data = new Option<FileInfo>("--data", "-d") { Description = "CSV of the rows to cluster, with a header row.", Required = true };
        var auxiliary = new Option<FileInfo?>("--auxiliary", "-a") { Description = "CSV of unlabelled auxiliary rows with the same feature columns: self-taught clustering (non-negative features)." };
        var clusters = new Option<int>("--clusters", "-k") { Description = "Number of clusters.", DefaultValueFactory = _ => 10 };
        var featureClusters = new Option<int>("--feature-clusters") { Description = "Self-taught clustering: clusters of the features.", DefaultValueFactory = _ => 32 };
        var tradeoff = new Option<double>("--tradeoff") { Description = "Self-taught clustering: λ, the auxiliary data's weight.", DefaultValueFactory = _ => 1.0 };
        var iterations = new Option<int>("--iterations") { Description = "Self-taught clustering: rounds of updates.", DefaultValueFactory = _ => 20 };
        var label = new Option<string?>("--label", "-l") { Description = "A class column to compare the clusters with (not used for clustering)." };
        var features = new Option<string[]>("--features") { Description = "Feature columns (default: every column but --label).", AllowMultipleArgumentsPerToken = true };
        var seed = new Option<int>("--seed") { Description = "Seeds the starts.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--output", "-o") { Description = "Where to save the model.", DefaultValueFactory = _ => "model.zip" };
        var command = new Command("cluster", "Cluster rows, with self-taught clustering over auxiliary rows or with KMeans, and save the model.")
        {
            data, auxiliary, clusters, featureClusters, tradeoff, iterations, label, features, seed, output,
        };
        command.SetAction(r => CommandRunner.Run(() =>
        {
            var ml = new MLContext(r.GetValue(seed));
            string path = r.GetValue(data)!.FullName;
            string? classes = r.GetValue(label);
            var header = CsvData.Header(path);
            int classIndex = classes is null ? -1 : CsvData.Find(header, classes, "Label", "--label", path);
            var featureColumns = r.GetValue(features) is { Length: > 0 } named ? named : header.Where((_, i) => i != classIndex).ToArray();
            var rows = classes is null ? CsvData.LoadUnlabelled(ml, path, featureColumns) : CsvData.LoadLabelled(ml, path, classes, featureColumns).Data;
            var concatenate = ml.Transforms.Concatenate("Features", featureColumns).Fit(rows);
            ITransformer clustering;
            if (r.GetValue(auxiliary) is FileInfo auxiliaryFile)
            {
                var auxiliaryRows = concatenate.Transform(CsvData.LoadUnlabelled(ml, auxiliaryFile.FullName, featureColumns));
                clustering = ml.TransferLearning().SelfTaughtClustering(auxiliaryRows, new SelfTaughtClusteringOptions
                {
                    Clusters = r.GetValue(clusters), FeatureClusters = r.GetValue(featureClusters), Tradeoff = r.GetValue(tradeoff), Iterations = r.GetValue(iterations), Seed = r.GetValue(seed),
                }).Fit(concatenate.Transform(rows));
            }
            else
            {
                long count = CountRows(rows);
                if (r.GetValue(clusters) > count)
                    throw new ArgumentException($"-k is {r.GetValue(clusters)}, but '{Path.GetFileName(path)}' has only {count} rows: ask for at most that many clusters.");
                // k-means++ seeding: ML.NET's default k-means|| fails on small sets with "too few examples".
                clustering = ml.Transforms.NormalizeMinMax("Features").Append(ml.Clustering.Trainers.KMeans(new Microsoft.ML.Trainers.KMeansTrainer.Options
                {
                    NumberOfClusters = r.GetValue(clusters), InitializationAlgorithm = Microsoft.ML.Trainers.KMeansTrainer.InitializationAlgorithm.KMeansPlusPlus,
                })).Fit(concatenate.Transform(rows));
            }
            var model = new TransformerChain<ITransformer>(concatenate, clustering);
            var scored = model.Transform(rows);
            var sizes = scored.GetColumn<uint>("PredictedLabel").GroupBy(c => c).OrderBy(g => g.Key).Select(g => $"{g.Key - 1}: {g.Count()}");
            AnsiConsole.MarkupLine($"Cluster sizes: {Markup.Escape(string.Join(", ", sizes))}");
            if (classes is not null)
            {
                var keyed = ml.Transforms.Conversion.MapValueToKey("ClassKey", classes).Fit(scored).Transform(scored);
                var agreement = ml.TransferLearning().EvaluateClustering(keyed, "ClassKey");
                AnsiConsole.MarkupLine(FormattableString.Invariant(
                    $"Against '{Markup.Escape(classes)}': NMI {agreement.NormalizedMutualInformation:F4}, ARI {agreement.AdjustedRandIndex:F4}, matched accuracy {agreement.MatchedAccuracy:P2}"));
            }
            ml.Model.Save(model, rows.Schema, r.GetValue(output)!);
            AnsiConsole.MarkupLine($"Saved [bold]{Markup.Escape(r.GetValue(output)!)}[/].");
            return 0;
        }));
        return command;
    }

    private static long CountRows(IDataView rows)
    {
        long count = 0;
        using var cursor = rows.GetRowCursor([]);
        while (cursor.MoveNext()) count++;
        return count;
    }
}
