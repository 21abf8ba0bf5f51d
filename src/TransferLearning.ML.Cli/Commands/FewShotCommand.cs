using System.CommandLine;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;
using TransferLearning.ML.Metric;

namespace TransferLearning.ML.Cli.Commands;

/// <summary>
/// <c>tlml fewshot</c>: episodic training on a CSV of training classes (prototypical networks, or
/// MAML of second or first order), N-way K-shot evaluation on a CSV of other classes, and — with a
/// support CSV of the classes to predict — a saved classifier over them (Score, PredictedLabel,
/// PredictedClass). A prototypical network is saved even without one (it adds Embedding).
/// </summary>
internal static class FewShotCommand
{
    /// <summary>The episodic learners.</summary>
    public enum Method
    {
        /// <summary>Prototypical networks.</summary>
        ProtoNet,

        /// <summary>MAML, second order.</summary>
        Maml,

        /// <summary>MAML, first order.</summary>
        FirstOrderMaml,
    }

    public static Command Create()
    {
        var data = new Option<FileInfo>("--data", "-d") { Description = "Training CSV (the training classes) with a header row, or a folder with one subfolder of images per class.", Required = true };
        var label = new Option<string>("--label", "-l") { Description = "The label column.", DefaultValueFactory = _ => "Label" };
        var test = new Option<FileInfo?>("--test") { Description = "CSV of evaluation classes (usually not the training classes) for N-way K-shot episodes." };
        var support = new Option<FileInfo?>("--support") { Description = "CSV of the classes to predict, a few labelled rows each: the saved model classifies among them." };
        var method = new Option<Method>("--method") { Description = "ProtoNet, Maml or FirstOrderMaml.", DefaultValueFactory = _ => Method.ProtoNet };
        var ways = new Option<int>("--ways") { Description = "N, classes per episode (for MAML also the classifier's outputs: a support set must have N classes).", DefaultValueFactory = _ => 5 };
        var shots = new Option<int>("--shots") { Description = "K, support rows per class in training and evaluation episodes.", DefaultValueFactory = _ => 1 };
        var queries = new Option<int>("--queries") { Description = "Q, query rows per class in training and evaluation episodes.", DefaultValueFactory = _ => 5 };
        var episodes = new Option<int>("--episodes-per-epoch") { Description = "Training episodes per epoch.", DefaultValueFactory = _ => 100 };
        var evaluation = new Option<int>("--eval-episodes") { Description = "Evaluation episodes on --test.", DefaultValueFactory = _ => 600 };
        var network = new Option<string>("--network") { Description = NetworkArgument.Help, DefaultValueFactory = _ => "mlp:128" };
        var training = new TrainingArguments(new PrototypicalNetworkOptions(), ("--method Maml", new MamlOptions()));
        var images = new ImageArguments();
        var output = new Option<string>("--output", "-o") { Description = "Where to save the model.", DefaultValueFactory = _ => "model.zip" };
        var command = new Command("fewshot", "Episodic few-shot training (prototypical networks or MAML), N-way K-shot evaluation on new classes, and a model for a support set.")
        {
            data, label, test, support, method, ways, shots, queries, episodes, evaluation, network, output,
        };
        training.AddTo(command);
        images.AddTo(command);
        command.SetAction(r => CommandRunner.Run(() =>
        {
            var ml = new MLContext(0);
            var episodic = EpisodicData.Load(ml, r.GetValue(data)!.FullName, r.GetValue(label)!, images.Read(r));
            var testRows = r.GetValue(test) is FileInfo testFile ? episodic.LoadOther(testFile.FullName) : null;
            var supportRows = r.GetValue(support) is FileInfo supportFile ? episodic.LoadOther(supportFile.FullName) : null;
            T Configure<T>(T options) where T : EpisodicOptions
            {
                options.FeatureColumnName = EpisodicData.Features;
                options.LabelColumnName = episodic.Label;
                options.Network = NetworkArgument.Parse(r.GetValue(network)!);
                options.Ways = r.GetValue(ways);
                options.Shots = r.GetValue(shots);
                options.Queries = r.GetValue(queries);
                options.EpisodesPerEpoch = r.GetValue(episodes);
                return training.Apply(r, options);
            }
            if (r.GetValue(method) != Method.ProtoNet && (supportRows?.Schema[episodic.Label].Type as KeyDataViewType)?.Count is ulong supportClasses && supportClasses != (ulong)r.GetValue(ways))
                throw new ArgumentException($"--support has {supportClasses} classes, but MAML adapts an N-way classifier: give --ways {supportClasses} or a support file of {r.GetValue(ways)} classes.");
            int k = r.GetValue(shots), q = r.GetValue(queries), count = r.GetValue(evaluation);
            ITransformer? model;
            string adds;
            if (r.GetValue(method) == Method.ProtoNet)
            {
                var options = Configure(new PrototypicalNetworkOptions { Support = supportRows });
                var proto = ConsoleReport.WithProgress("Prototypical network", progress =>
                {
                    options.Progress = progress;
                    return ml.TransferLearning().PrototypicalNetwork(options).Fit(episodic.Train);
                });
                if (testRows is not null)
                    Report(ml.TransferLearning().EvaluateFewShot(proto.Transform(testRows), labelColumnName: episodic.Label, ways: options.Ways, shots: k, queries: q,
                        episodes: count, seed: options.Seed));
                model = proto;
                adds = supportRows is null ? "Embedding" : "Embedding, Score, PredictedLabel, PredictedClass";
            }
            else
            {
                var options = Configure(new MamlOptions { FirstOrder = r.GetValue(method) == Method.FirstOrderMaml });
                using var maml = ConsoleReport.WithProgress(options.FirstOrder ? "First-order MAML" : "MAML", progress =>
                {
                    options.Progress = progress;
                    return ml.TransferLearning().Maml(options).MetaTrain(episodic.Train);
                });
                if (testRows is not null) Report(maml.EvaluateFewShot(testRows, k, q, count, options.Seed));
                model = supportRows is null ? null : maml.Adapt(supportRows);
                adds = "Score, PredictedLabel, PredictedClass";
            }
            if (model is null)
            {
                AnsiConsole.MarkupLine("No model saved: a MAML model is a classifier adapted to a support set; give [bold]--support[/] with the classes to predict.");
                return 0;
            }
            // The support file's label map goes into the saved model's PredictedClass (the support classes' names).
            var parts = new List<ITransformer> { episodic.Featurizer, model };
            if (supportRows is not null)
                parts.Add(ml.Transforms.Conversion.MapKeyToValue(ModelOutput.PredictedClassColumn, "PredictedLabel").Fit(model.Transform(supportRows)));
            var chain = new TransformerChain<ITransformer>(parts.ToArray());
            string path = r.GetValue(output)!;
            ml.Model.Save(chain, episodic.InputSchema, path);
            AnsiConsole.MarkupLine($"Saved [bold]{Markup.Escape(path)}[/] (adds {adds}).");
            return 0;
        }));
        return command;
    }

    private static void Report(FewShotMetrics metrics) => AnsiConsole.MarkupLine($"Few-shot evaluation: {Markup.Escape(metrics.ToString())}");
}
