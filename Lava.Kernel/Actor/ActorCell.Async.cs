namespace Lava.Kernel;

/// <summary>
/// Async handlers. While a handler's task runs, user messages wait (no reentrancy); its
/// continuations are posted back to this actor as system messages, so they run on the actor's turn
/// with the same message and sender as the handler started with.
/// </summary>
internal sealed partial class ActorCell
{
    private ActorSynchronizationContext? _synchronizationContext;
    private object? _asyncMessage;
    private IActorRef? _asyncSender;

    /// <summary>Runs an async handler; suspends user messages until its task completes.</summary>
    internal void RunTask(Func<Task> body)
    {
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_synchronizationContext ??= new ActorSynchronizationContext(this));
        Task task;
        try
        {
            task = body();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(previous);
        }
        if (task.IsCompleted)
        {
            task.GetAwaiter().GetResult();
            return;
        }
        _awaitingTask = true;
        _asyncMessage = _currentMessage;
        _asyncSender = _currentSender;
        task.ContinueWith(
            static (t, state) => ((ActorCell)state!).SendSystemMessage(new AsyncHandlerCompleted(t)),
            this,
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void RunContinuationOnActor(RunContinuation continuation)
    {
        if (_actor is null) return;
        var previous = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(_synchronizationContext);
        _currentMessage = _asyncMessage;
        _currentSender = _asyncSender;
        try
        {
            continuation.Callback(continuation.State);
        }
        finally
        {
            _currentMessage = null;
            _currentSender = null;
            SynchronizationContext.SetSynchronizationContext(previous);
        }
    }

    private void HandleAsyncCompleted(Task task)
    {
        _awaitingTask = false;
        var message = _asyncMessage;
        _asyncMessage = null;
        _asyncSender = null;
        if (task.IsFaulted && !_terminating)
        {
            _currentMessage = message;
            var cause = task.Exception!.InnerExceptions.Count == 1 ? task.Exception.InnerException! : task.Exception;
            HandleInvokeFailure(cause);
            _currentMessage = null;
        }
    }

    private sealed class ActorSynchronizationContext(ActorCell cell) : SynchronizationContext
    {
        public override void Post(SendOrPostCallback d, object? state) =>
            cell.SendSystemMessage(new RunContinuation(d, state));

        public override void Send(SendOrPostCallback d, object? state) =>
            throw new NotSupportedException("synchronous Send onto an actor would block its turn");

        public override SynchronizationContext CreateCopy() => this;
    }
}
