using Microsoft.Extensions.Logging;

namespace Lava.Kernel;

/// <summary>
/// Creation, failure, restart and stop. A failing actor suspends itself and its children and tells
/// its parent, whose strategy answers with Resume, Recreate or Terminate (or fails in turn).
/// </summary>
internal sealed partial class ActorCell
{
    private bool _terminating;
    private bool _failed;
    private object? _failedMessage;
    private Exception? _pendingRecreate;

    private void HandleSystemMessage(SystemMessage message)
    {
        switch (message)
        {
            case Create:
                HandleCreate();
                break;
            case Terminate:
                HandleTerminate();
                break;
            case Suspend:
                SuspendNonRecursive();
                SuspendChildren();
                break;
            case Resume resume:
                HandleResume(resume.CausedByFailure);
                break;
            case Recreate recreate:
                HandleRecreate(recreate.Cause);
                break;
            case Failed failed:
                HandleFailed(failed);
                break;
            case Watch watch:
                AddWatcher(watch.Watcher);
                break;
            case Unwatch unwatch:
                RemoveWatcher(unwatch.Watcher);
                break;
            case DeathWatchNotification notification:
                WatchedActorTerminated(notification);
                // As Akka: a watched child counts as gone now, before its Terminated is delivered, even
                // if its ChildTerminated is still on the way (the root guardian relies on this).
                HandleChildTerminated(notification.Actor);
                break;
            case ChildTerminated childTerminated:
                HandleChildTerminated(childTerminated.Child);
                break;
            case AsyncHandlerCompleted completed:
                HandleAsyncCompleted(completed.Task);
                break;
            case RunContinuation continuation:
                RunContinuationOnActor(continuation);
                break;
        }
    }

    private void HandleCreate()
    {
        try
        {
            var actor = NewActor();
            actor.AroundPreStart();
        }
        catch (Exception e)
        {
            _actor = null;
            HandleInvokeFailure(e is ActorInitializationException ? e
                : new ActorInitializationException(SelfRef, $"exception in PreStart of {SelfRef}", e));
        }
    }

    /// <summary>The current message (or a system message) threw: suspend and let the parent decide.</summary>
    private void HandleInvokeFailure(Exception cause)
    {
        if (_terminating)
        {
            System.KernelLog.LogError(cause, "Actor {ActorPath} failed while stopping", SelfRef.Path);
            return;
        }
        if (!_failed)
        {
            _failed = true;
            _failedMessage = _currentMessage;
            SuspendNonRecursive();
            SuspendChildren();
        }
        Parent.SendSystemMessage(new Failed(SelfRef, cause, SelfRef.Path.Uid));
    }

    private void SuspendNonRecursive() => _suspendCount++;

    private void ResumeNonRecursive() => _suspendCount = Math.Max(0, _suspendCount - 1);

    private void SuspendChildren()
    {
        foreach (var child in ChildEntries()) child.Actor.SendSystemMessage(new Suspend());
    }

    private void ResumeChildren()
    {
        foreach (var child in ChildEntries()) child.Actor.SendSystemMessage(new Resume(null));
    }

    private void HandleResume(Exception? causedByFailure)
    {
        if (_actor is null && _failed)
        {
            HandleRecreate(causedByFailure ?? new ActorKernelException("resumed without an instance"));
            return;
        }
        if (causedByFailure is not null && _failed)
        {
            _failed = false;
            _failedMessage = null;
        }
        ResumeNonRecursive();
        ResumeChildren();
    }

    /// <summary>Restart: PreRestart on the old instance, wait for the children it stopped, then a new instance.</summary>
    private void HandleRecreate(Exception cause)
    {
        if (_terminating) return;
        if (_actor is { } failed)
        {
            try
            {
                failed.AroundPreRestart(cause, _failedMessage);
            }
            catch (Exception e)
            {
                System.KernelLog.LogError(e, "PreRestart of {ActorPath} threw; restarting anyway", SelfRef.Path);
            }
        }
        _timers?.CancelAll();
        _stash?.ReturnToMailbox();
        if (HasStoppingChildren)
        {
            _pendingRecreate = cause;
            return;
        }
        FinishRecreate(cause);
    }

    private void FinishRecreate(Exception cause)
    {
        _pendingRecreate = null;
        var survivors = ChildEntries();
        try
        {
            var actor = NewActor();
            actor.AroundPostRestart(cause);
        }
        catch (Exception e)
        {
            _actor = null;
            Parent.SendSystemMessage(new Failed(SelfRef,
                e as ActorInitializationException ?? new ActorInitializationException(SelfRef, $"exception in PostRestart of {SelfRef}", e),
                SelfRef.Path.Uid));
            return;
        }
        _failed = false;
        _failedMessage = null;
        ResumeNonRecursive();
        foreach (var child in survivors) child.Actor.SendSystemMessage(new Recreate(cause));
    }

    /// <summary>A child failed: ask our strategy, or fail ourselves when it escalates.</summary>
    private void HandleFailed(Failed failed)
    {
        var entry = FindChild(failed.Child);
        if (entry is null || failed.Uid != entry.Actor.Path.Uid) return;
        var strategy = _actor?.InvokeSupervisorStrategy() ?? SupervisorStrategy.DefaultStrategy;
        if (!strategy.HandleFailure(this, entry, failed.Cause, ChildEntries()))
        {
            HandleInvokeFailure(failed.Cause);
        }
    }

    /// <summary>Stops children first, then this actor.</summary>
    private void HandleTerminate()
    {
        if (_terminating || IsClosed) return;
        _terminating = true;
        _timers?.CancelAll();
        UnwatchAll();
        var children = ChildEntries();
        foreach (var child in children) child.Stop();
        if (children.Length == 0) FinishTerminate();
    }

    private void HandleChildTerminated(InternalActorRef child)
    {
        if (!RemoveChild(child)) return;
        if (_terminating)
        {
            if (!HasChildren) FinishTerminate();
        }
        else if (_pendingRecreate is { } cause && !HasStoppingChildren)
        {
            FinishRecreate(cause);
        }
    }

    private void FinishTerminate()
    {
        try
        {
            _actor?.AroundPostStop();
        }
        catch (Exception e)
        {
            System.KernelLog.LogError(e, "PostStop of {ActorPath} threw", SelfRef.Path);
        }
        _stash?.ReturnToMailbox();
        var leftover = CloseMailbox();
        foreach (var message in leftover) HandleSystemMessageAfterClose(message);
        DrainToDeadLetters();
        NotifyWatchersOfTermination();
        Parent.SendSystemMessage(new ChildTerminated(SelfRef));
        _actor = null;
        _behaviors = null;
        _currentMessage = null;
        _currentSender = null;
    }

    /// <summary>How a closed cell answers: a watch is answered with its termination, the rest is dropped.</summary>
    private void HandleSystemMessageAfterClose(SystemMessage message)
    {
        switch (message)
        {
            case Watch watch when watch.Watchee.Equals(SelfRef):
                watch.Watcher.SendSystemMessage(new DeathWatchNotification(SelfRef, ExistenceConfirmed: false, AddressTerminated: false));
                break;
            case Failed failed:
                failed.Child.Stop();
                break;
        }
    }
}
