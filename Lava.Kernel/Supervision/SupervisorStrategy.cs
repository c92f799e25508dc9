using Microsoft.Extensions.Logging;

namespace Lava.Kernel;

/// <summary>What a supervisor does with a child that failed.</summary>
public enum Directive
{
    /// <summary>Keep the instance and its state; continue with the next message.</summary>
    Resume,

    /// <summary>Replace the instance with a new one from its props; the mailbox is kept.</summary>
    Restart,

    /// <summary>Stop the child.</summary>
    Stop,

    /// <summary>Fail the supervisor itself with the same exception.</summary>
    Escalate,
}

/// <summary>Maps a failure to a directive.</summary>
public delegate Directive Decider(Exception cause);

/// <summary>
/// How a parent treats failing children. <see cref="OneForOneStrategy"/> acts on the failed child
/// only, <see cref="AllForOneStrategy"/> on all children. A child that needs more than
/// <see cref="MaxNrOfRetries"/> restarts within <see cref="WithinTimeRange"/> is stopped.
/// </summary>
public abstract class SupervisorStrategy
{
    protected SupervisorStrategy(int maxNrOfRetries, TimeSpan withinTimeRange, Decider decider, bool loggingEnabled)
    {
        ArgumentNullException.ThrowIfNull(decider);
        MaxNrOfRetries = maxNrOfRetries;
        WithinTimeRange = withinTimeRange;
        Decider = decider;
        LoggingEnabled = loggingEnabled;
    }

    /// <summary>Restarts allowed within <see cref="WithinTimeRange"/>; -1 for no limit, 0 to never restart.</summary>
    public int MaxNrOfRetries { get; }

    /// <summary>The window for <see cref="MaxNrOfRetries"/>; <see cref="Timeout.InfiniteTimeSpan"/> for no window.</summary>
    public TimeSpan WithinTimeRange { get; }

    public Decider Decider { get; }

    public bool LoggingEnabled { get; }

    /// <summary>
    /// Akka's default decider: initialization failures, kills and death pacts stop the child;
    /// any other exception restarts it.
    /// </summary>
    public static Directive DefaultDecider(Exception cause) => cause switch
    {
        ActorInitializationException => Directive.Stop,
        ActorKilledException => Directive.Stop,
        DeathPactException => Directive.Stop,
        _ => Directive.Restart,
    };

    /// <summary>One-for-one, unlimited restarts, <see cref="DefaultDecider"/>.</summary>
    public static SupervisorStrategy DefaultStrategy { get; } = new OneForOneStrategy(DefaultDecider);

    /// <summary>Stops any failing child.</summary>
    public static SupervisorStrategy StoppingStrategy { get; } = new OneForOneStrategy(_ => Directive.Stop);

    /// <summary>Applies the directive to the failed child (and its siblings for all-for-one); false means escalate.</summary>
    internal bool HandleFailure(ActorCell parent, ActorCell.ChildEntry failed, Exception cause, IReadOnlyList<ActorCell.ChildEntry> children)
    {
        var directive = Decider(cause);
        if (directive is not (Directive.Resume or Directive.Restart or Directive.Stop)) return false;
        Log(parent, failed, cause, directive);
        if (directive == Directive.Resume) failed.Actor.SendSystemMessage(new Resume(cause));
        else ProcessFailure(parent, restart: directive == Directive.Restart, failed, cause, children);
        return true;
    }

    private protected abstract void ProcessFailure(
        ActorCell parent, bool restart, ActorCell.ChildEntry failed, Exception cause, IReadOnlyList<ActorCell.ChildEntry> children);

    private protected bool RequestRestartPermission(ActorCell parent, ActorCell.ChildEntry child) =>
        child.Stats.RequestRestartPermission(MaxNrOfRetries, WithinTimeRange, parent.System.TimeProvider.GetUtcNow());

    private protected static void RestartChild(ActorCell.ChildEntry child, Exception cause, bool suspendFirst)
    {
        if (suspendFirst) child.Actor.SendSystemMessage(new Suspend());
        child.Actor.SendSystemMessage(new Recreate(cause));
    }

    private void Log(ActorCell parent, ActorCell.ChildEntry child, Exception cause, Directive directive)
    {
        if (!LoggingEnabled) return;
        var level = directive == Directive.Resume ? LogLevel.Warning : LogLevel.Error;
        parent.System.KernelLog.Log(level, cause, "Actor {ActorPath} failed ({Directive}): {Message}",
            child.Actor.Path, directive, cause.Message);
    }
}

/// <summary>Applies each directive to the failed child only.</summary>
public sealed class OneForOneStrategy : SupervisorStrategy
{
    public OneForOneStrategy(int maxNrOfRetries, TimeSpan withinTimeRange, Decider decider, bool loggingEnabled = true)
        : base(maxNrOfRetries, withinTimeRange, decider, loggingEnabled)
    {
    }

    public OneForOneStrategy(Decider decider) : this(-1, Timeout.InfiniteTimeSpan, decider)
    {
    }

    private protected override void ProcessFailure(
        ActorCell parent, bool restart, ActorCell.ChildEntry failed, Exception cause, IReadOnlyList<ActorCell.ChildEntry> children)
    {
        if (restart && RequestRestartPermission(parent, failed)) RestartChild(failed, cause, suspendFirst: false);
        else failed.Stop();
    }
}

/// <summary>Applies each directive to all children when one fails.</summary>
public sealed class AllForOneStrategy : SupervisorStrategy
{
    public AllForOneStrategy(int maxNrOfRetries, TimeSpan withinTimeRange, Decider decider, bool loggingEnabled = true)
        : base(maxNrOfRetries, withinTimeRange, decider, loggingEnabled)
    {
    }

    public AllForOneStrategy(Decider decider) : this(-1, Timeout.InfiniteTimeSpan, decider)
    {
    }

    private protected override void ProcessFailure(
        ActorCell parent, bool restart, ActorCell.ChildEntry failed, Exception cause, IReadOnlyList<ActorCell.ChildEntry> children)
    {
        if (children.Count == 0) return;
        if (restart && children.All(c => RequestRestartPermission(parent, c)))
        {
            foreach (var child in children) RestartChild(child, cause, suspendFirst: !ReferenceEquals(child, failed));
        }
        else
        {
            foreach (var child in children) child.Stop();
        }
    }
}

/// <summary>Counts a child's restarts within the strategy's window.</summary>
internal sealed class ChildRestartStats
{
    private int _restarts;
    private DateTimeOffset _windowStart;

    public bool RequestRestartPermission(int maxNrOfRetries, TimeSpan within, DateTimeOffset now)
    {
        if (maxNrOfRetries < 0) return true;
        if (maxNrOfRetries == 0) return false;
        if (within == Timeout.InfiniteTimeSpan)
        {
            _restarts++;
            return _restarts <= maxNrOfRetries;
        }
        if (_restarts == 0 || now - _windowStart > within)
        {
            _windowStart = now;
            _restarts = 1;
            return true;
        }
        _restarts++;
        return _restarts <= maxNrOfRetries;
    }
}
