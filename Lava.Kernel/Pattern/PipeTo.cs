namespace Lava.Kernel;

/// <summary>Turns the outcome of a task into a message, the way actors consume async work.</summary>
public static class PipeToSupport
{
    /// <summary>
    /// When <paramref name="task"/> completes, tells <paramref name="recipient"/> its result (mapped by
    /// <paramref name="success"/>) or a <see cref="Status.Failure"/> (mapped by <paramref name="failure"/>).
    /// </summary>
    public static Task PipeTo<T>(this Task<T> task, IActorRef recipient, IActorRef? sender = null,
        Func<T, object>? success = null, Func<Exception, object>? failure = null)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        return task.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully)
            {
                recipient.Tell(success is null ? t.Result! : success(t.Result), sender);
            }
            else
            {
                TellFailure(t, recipient, sender, failure);
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>As the generic overload for a task without a result; success sends <paramref name="success"/>'s message or <see cref="Status.Success"/>.</summary>
    public static Task PipeTo(this Task task, IActorRef recipient, IActorRef? sender = null,
        Func<object>? success = null, Func<Exception, object>? failure = null)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        return task.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully)
            {
                recipient.Tell(success is null ? new Status.Success(null) : success(), sender);
            }
            else
            {
                TellFailure(t, recipient, sender, failure);
            }
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private static void TellFailure(Task failed, IActorRef recipient, IActorRef? sender, Func<Exception, object>? failure)
    {
        var cause = failed.IsCanceled ? new TaskCanceledException(failed) : Unwrap(failed.Exception!);
        recipient.Tell(failure is null ? new Status.Failure(cause) : failure(cause), sender);
    }

    private static Exception Unwrap(AggregateException e) => e.InnerExceptions.Count == 1 ? e.InnerException! : e;
}
