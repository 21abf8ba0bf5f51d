using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

// modelprobe MODEL.zip ROWS.csv
//   ROWS.csv: one row a line, the values of the model's "Features" column (a known-size Single vector).
//   Prints, per output column of Single vectors, Singles, Booleans (0/1) or UInt32 keys, one line per row: "column<TAB>row<TAB>bits..."
//   (floats as 8-digit hex bit patterns, so that comparisons are exact). Exit 0 on success; on any
//   exception prints "error<TAB>Type: message" for it and each inner exception, exit 2.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: modelprobe MODEL.zip ROWS.csv");
    return 64;
}
try
{
    var ml = new MLContext(0);
    // The model's saved input schema is not needed (a file may lack it): the rows give the feature length.
    var model = ml.Model.Load(args[0], out _);
    var rows = File.ReadAllLines(args[1]).Where(l => l.Length > 0)
        .Select(l => new Row { Features = l.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray() }).ToArray();
    var schema = SchemaDefinition.Create(typeof(Row));
    schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, rows[0].Features.Length);
    var input = ml.Data.LoadFromEnumerable(rows, schema);
    var scored = model.Transform(input);
    var output = Console.Out;
    // The columns the model adds: not those it rewrites (a label turned into a key).
    foreach (var column in scored.Schema.Where(c => !c.IsHidden && input.Schema.GetColumnOrNull(c.Name) is null))
    {
        if (column.Type is VectorDataViewType { ItemType: NumberDataViewType n } && n == NumberDataViewType.Single)
        {
            int i = 0;
            foreach (var value in scored.GetColumn<float[]>(column.Name))
                output.WriteLine($"{column.Name}\t{i++}\t{string.Join(" ", value.Select(v => BitConverter.SingleToUInt32Bits(v).ToString("x8")))}");
        }
        else if (column.Type == NumberDataViewType.Single)
        {
            int i = 0;
            foreach (var value in scored.GetColumn<float>(column.Name)) output.WriteLine($"{column.Name}\t{i++}\t{BitConverter.SingleToUInt32Bits(value):x8}");
        }
        else if (column.Type == BooleanDataViewType.Instance)
        {
            int i = 0;
            foreach (var value in scored.GetColumn<bool>(column.Name)) output.WriteLine($"{column.Name}\t{i++}\t{(value ? 1 : 0)}");
        }
        else if (column.Type is KeyDataViewType { RawType: var raw } && raw == typeof(uint))
        {
            int i = 0;
            foreach (var value in scored.GetColumn<uint>(column.Name)) output.WriteLine($"{column.Name}\t{i++}\t{value}");
        }
    }
    return 0;
}
catch (Exception e)
{
    for (var x = e; x is not null; x = x.InnerException) Console.WriteLine($"error\t{x.GetType().Name}: {x.Message.ReplaceLineEndings(" ")}");
    return 2;
}

internal sealed class Row
{
    public string Label { get; set; } = "";

    public float[] Features { get; set; } = [];
}
