namespace Lava.Kernel.Persistence.Internal;

/// <summary>
/// Runs an asynchronous initialization once; a failed attempt (e.g. the database was down) is forgotten so
/// that the next caller tries again instead of seeing the old failure forever.
/// </summary>
internal sealed class RetryingInitializer(Func<CancellationToken, Task> initialize)
{
    private readonly Lock _gate = new();
    private Task? _task;

    public Task EnsureAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_task is null || _task.IsFaulted || _task.IsCanceled)
            {
                _task = initialize(cancellationToken);
            }
            return _task;
        }
    }
}
