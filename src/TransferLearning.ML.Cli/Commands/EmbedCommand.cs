using System.CommandLine;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;
using TransferLearning.ML.Metric;
using TransferLearning.ML.Torch.Metric;

namespace TransferLearning.ML.Cli.Commands;

/// <summary>
/// <c>tlml embed</c>: a labelled CSV in; a metric embedding (triplet, contrastive or NT-Xent) trained
/// on it, its retrieval quality (Precision@1, R-precision, MAP@R) on a test file — usually of other
/// classes — and model.zip out, which takes the feature columns by name and adds Embedding.
/// </summary>
internal static class EmbedCommand
{
    public static Command Create()
    {
        var data = new Option<FileInfo>("--data", "-d") { Description = "Training CSV with a header row, or a folder with one subfolder of images per class.", Required = true };
        var label = new Option<string>("--label", "-l") { Description = "The label column (the classes whose rows should embed close together).", DefaultValueFactory = _ => "Label" };
        var test = new Option<FileInfo?>("--test") { Description = "CSV to measure retrieval on (same feature columns; its classes may be new)." };
        var loss = new Option<MetricLoss>("--loss") { Description = "Triplet, Contrastive or NtXent.", DefaultValueFactory = _ => MetricLoss.Triplet };
        var mining = new Option<TripletMining>("--mining") { Description = "Triplets the triplet loss sees: All, BatchHard or SemiHard.", DefaultValueFactory = _ => TripletMining.BatchHard };
        var size = new Option<int>("--embedding-size") { Description = "Embedding size.", DefaultValueFactory = _ => 64 };
        var network = new Option<string>("--network") { Description = NetworkArgument.Help, DefaultValueFactory = _ => "mlp:128" };
        var classes = new Option<int>("--classes-per-batch") { Description = "P, classes per batch.", DefaultValueFactory = _ => 8 };
        var rows = new Option<int>("--rows-per-class") { Description = "K, rows per class in a batch.", DefaultValueFactory = _ => 4 };
        var training = new TrainingArguments(new MetricEmbeddingOptions());
        var images = new ImageArguments();
        var output = new Option<string>("--output", "-o") { Description = "Where to save the model.", DefaultValueFactory = _ => "model.zip" };
        var command = new Command("embed", "Train a metric embedding on a labelled CSV, measure retrieval on a test CSV, and save it as an ML.NET model.")
        {
            data, label, test, loss, mining, size, network, classes, rows, output,
        };
        training.AddTo(command);
        images.AddTo(command);
        command.SetAction(r => CommandRunner.Run(() =>
        {
            var options = training.Apply(r, new MetricEmbeddingOptions
            {
                FeatureColumnName = EpisodicData.Features, LabelColumnName = r.GetValue(label)!, Loss = r.GetValue(loss), Mining = r.GetValue(mining),
                EmbeddingSize = r.GetValue(size), Network = NetworkArgument.Parse(r.GetValue(network)!), ClassesPerBatch = r.GetValue(classes), RowsPerClass = r.GetValue(rows),
            });
            var ml = new MLContext(options.Seed);
            var episodic = EpisodicData.Load(ml, r.GetValue(data)!.FullName, r.GetValue(label)!, images.Read(r));
            var embedding = ConsoleReport.WithProgress("Metric embedding", progress =>
            {
                options.Progress = progress;
                return ml.TransferLearning().MetricEmbedding(options).Fit(episodic.Train);
            });
            var model = new TransformerChain<ITransformer>(episodic.Featurizer, embedding);
            string path = r.GetValue(output)!;
            ml.Model.Save(model, episodic.InputSchema, path);
            AnsiConsole.MarkupLine($"Saved [bold]{Markup.Escape(path)}[/] (adds column Embedding).");
            if (r.GetValue(test) is FileInfo testFile)
            {
                var metrics = ml.TransferLearning().EvaluateRetrieval(embedding.Transform(episodic.LoadOther(testFile.FullName)), labelColumnName: episodic.Label,
                    distance: options.Distance);
                AnsiConsole.MarkupLine($"Retrieval on {Markup.Escape(testFile.Name)}: {Markup.Escape(metrics.ToString())}");
            }
            return 0;
        }));
        return command;
    }
}
