// The second consumer app: compiles the code `tlml train` wrote next to its model
// (model.Consumption.cs) and predicts one row with it.
var input = new TransferLearningModel.ModelInput();
var output = TransferLearningModel.Model.Predict(input);
Console.WriteLine($"generated consumption code: predicted class '{output.PredictedClass}' for an all-zero row, {output.Score.Length} class scores");
return output.Score.Length == 10 && output.PredictedClass.Length > 0 ? 0 : 1;
