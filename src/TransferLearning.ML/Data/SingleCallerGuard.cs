namespace TransferLearning.ML.Data;

/// <summary>
/// Refuses a second thread inside a row's getters while a first is there. A getter's whole call is
/// guarded (computing the row and filling the caller's buffer): PredictionEngine passes one buffer
/// per column to every call, so a narrower guard let two threads' first calls tear that buffer
/// before the refusal could be seen ("Destination is too short" from deep inside ML.NET).
/// </summary>
internal sealed class SingleCallerGuard
{
    private int _busy;

    public void Enter()
    {
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
            throw new InvalidOperationException(
                "One PredictionEngine (or row from GetRowToRowMapper) of this model is in use by several threads at once; ML.NET's " +
                "PredictionEngine is not thread-safe. Create one engine per thread, or use PredictionEnginePool from Microsoft.Extensions.ML.");
    }

    public void Exit() => Volatile.Write(ref _busy, 0);
}
