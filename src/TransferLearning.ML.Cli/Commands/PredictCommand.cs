using System.CommandLine;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Spectre.Console;

namespace TransferLearning.ML.Cli.Commands;

/// <summary>
/// <c>tlml predict</c>: loads a saved model in this (fresh) process, scores a CSV and writes one
/// row per input row: the predicted class and every class probability, written so that parsing
/// them back gives the exact floats.
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var modelPath = new Option<FileInfo>("--model", "-m") { Description = "A model saved by tlml or mlContext.Model.Save.", Required = true };
        var data = new Option<FileInfo?>("--data", "-d") { Description = "CSV with a header row naming the model's input columns." };
        var images = new Option<string?>("--images") { Description = "An image file, a folder of images, or a CSV listing image paths (column ImagePath, Path, File or Image), for a model trained by tlml images (read as model.images.json says)." };
        var output = new Option<string>("--output", "-o") { Description = "Predictions CSV.", DefaultValueFactory = _ => "predictions.csv" };
        var command = new Command("predict", "Score a CSV file (or images) with a saved model.") { modelPath, data, images, output };
        command.SetAction(r => CommandRunner.Run(() =>
        {
            if ((r.GetValue(data) is null) == (r.GetValue(images) is null)) throw new ArgumentException("Give --data (a CSV) or --images (an image file or folder), one of the two.");
            return Run(r.GetValue(modelPath)!.FullName, r.GetValue(data)?.FullName, r.GetValue(images), r.GetValue(output)!);
        }));
        return command;
    }

    private static int Run(string modelPath, string? dataPath, string? imagePath, string output)
    {
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"Model '{modelPath}' does not exist.", modelPath);
        var ml = new MLContext().RegisterTransferLearning();
        string[]? files = null;
        IDataView? images = null;
        if (imagePath is not null)
        {
            var input = ImageInput.Load(modelPath);
            (files, var pixels) = input.Read(imagePath);
            var definition = SchemaDefinition.Create(typeof(ImageRow));
            definition[nameof(ImageRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, pixels[0].Length);
            images = ml.Data.LoadFromEnumerable(pixels.Select(p => new ImageRow { Features = p }), definition);
        }
        var model = ml.Model.Load(modelPath, out var inputSchema);
        var scored = model.Transform(images ?? CsvData.LoadForSchema(ml, dataPath!, inputSchema));
        var score = scored.Schema.GetColumnOrNull("Score") ?? throw new InvalidDataException("The model writes no 'Score' column.");
        var predicted = scored.Schema.GetColumnOrNull(ModelOutput.PredictedClassColumn) ?? scored.Schema["PredictedLabel"];

        VBuffer<ReadOnlyMemory<char>> slotNames = default;
        if (score.HasSlotNames()) score.GetSlotNames(ref slotNames);
        int classes = ((VectorDataViewType)score.Type).Size;
        var names = Enumerable.Range(0, classes).Select(i => i < slotNames.Length ? slotNames.GetItemOrDefault(i).ToString() : $"class{i}");

        int rows = 0;
        using (var writer = new StreamWriter(output))
        using (var cursor = scored.GetRowCursor([score, predicted]))
        {
            writer.WriteLine((files is null ? "" : "File,") + "PredictedLabel," + string.Join(",", names.Select(n => "Score:" + n)));
            var getScore = cursor.GetGetter<VBuffer<float>>(score);
            var getPredicted = Text(cursor, predicted);
            VBuffer<float> values = default;
            while (cursor.MoveNext())
            {
                getScore(ref values);
                writer.WriteLine((files is null ? "" : Csv(files[rows]) + ",") + getPredicted() + "," + string.Join(",", values.DenseValues().Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
                rows++;
            }
        }
        AnsiConsole.MarkupLine($"Wrote {rows} predictions to [bold]{Markup.Escape(output)}[/].");
        return 0;
    }

    private static string Csv(string text) => text.Contains(',') || text.Contains('"') ? $"\"{text.Replace("\"", "\"\"")}\"" : text;

    private sealed class ImageRow
    {
        public float[] Features { get; set; } = [];
    }

    private static Func<string> Text(DataViewRow row, DataViewSchema.Column column)
    {
        if (column.Type is TextDataViewType)
        {
            var get = row.GetGetter<ReadOnlyMemory<char>>(column);
            ReadOnlyMemory<char> value = default;
            return () => { get(ref value); return value.ToString(); };
        }
        var getKey = row.GetGetter<uint>(column);
        uint key = 0;
        return () => { getKey(ref key); return key.ToString(CultureInfo.InvariantCulture); };
    }
}
