using System.Collections.Immutable;
using Lava.Kernel.Configuration;
using Microsoft.Extensions.Logging;

namespace Lava.Kernel;

/// <summary>
/// Stops a node in ordered phases, as Akka's coordinated shutdown: the tasks of a phase run together and
/// the next phase starts once they all completed or the phase's timeout
/// (<c>akka.coordinated-shutdown.phases.PHASE.timeout</c>, else <c>default-phase-timeout</c>) passed; a task
/// that fails or overruns is logged and the shutdown goes on. The last phase terminates the
/// <see cref="ActorSystem"/>. Works on any system; <see cref="Cluster.Start"/> adds the leave and
/// transport-stop tasks.
/// </summary>
public sealed class CoordinatedShutdown
{
    /// <summary>First phase: before anything stops accepting work.</summary>
    public const string PhaseBeforeServiceUnbind = "before-service-unbind";

    /// <summary>Stop accepting new external work (HTTP listeners and the like).</summary>
    public const string PhaseServiceUnbind = "service-unbind";

    /// <summary>Leave the cluster gracefully.</summary>
    public const string PhaseClusterLeave = "cluster-leave";

    /// <summary>Wait until this node is Exiting (singletons hand over here).</summary>
    public const string PhaseClusterExiting = "cluster-exiting";

    /// <summary>Confirm the exit to the leader once the singletons handed over, and wait until it removed this node.</summary>
    public const string PhaseClusterExitingDone = "cluster-exiting-done";

    /// <summary>Stop membership and the transport.</summary>
    public const string PhaseClusterShutdown = "cluster-shutdown";

    /// <summary>Last chance before the system terminates.</summary>
    public const string PhaseBeforeActorSystemTerminate = "before-actor-system-terminate";

    /// <summary>The system terminates.</summary>
    public const string PhaseActorSystemTerminate = "actor-system-terminate";

    /// <summary>The phases, in the order they run.</summary>
    public static ImmutableArray<string> Phases { get; } =
    [
        PhaseBeforeServiceUnbind, PhaseServiceUnbind, PhaseClusterLeave, PhaseClusterExiting, PhaseClusterExitingDone, PhaseClusterShutdown,
        PhaseBeforeActorSystemTerminate, PhaseActorSystemTerminate,
    ];

    private readonly ActorSystem _system;
    private readonly ILogger _log;
    private readonly Dictionary<string, List<(string Name, Func<CancellationToken, Task> Task)>> _tasks = new(StringComparer.Ordinal);
    private readonly HashSet<string> _startedPhases = new(StringComparer.Ordinal);
    private readonly ImmutableDictionary<string, TimeSpan> _timeouts;
    private readonly bool _terminateSystem;
    private readonly object _gate = new();
    private Task? _run;
    private string? _reason;

    private CoordinatedShutdown(ActorSystem system)
    {
        _system = system;
        _log = system.LoggerFactory.CreateLogger("Lava.Kernel.CoordinatedShutdown");
        var config = system.Config;
        var defaultTimeout = PositiveTimeout(config, "akka.coordinated-shutdown.default-phase-timeout", TimeSpan.FromSeconds(5));
        _timeouts = Phases.ToImmutableDictionary(p => p, p => PositiveTimeout(config, $"akka.coordinated-shutdown.phases.{p}.timeout", defaultTimeout));
        _terminateSystem = config.GetBoolean("akka.coordinated-shutdown.terminate-actor-system", true);
        foreach (var phase in Phases) _tasks[phase] = [];
    }

    /// <summary>The coordinated shutdown of <paramref name="system"/>, created on first use.</summary>
    public static CoordinatedShutdown Get(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.GetOrAddExtension(static s => new CoordinatedShutdown(s));
    }

    /// <summary>Why the shutdown runs: the reason given to the first <see cref="RunAsync"/>; null before.</summary>
    public string? Reason => Volatile.Read(ref _reason);

    /// <summary>The timeout of <paramref name="phase"/>.</summary>
    public TimeSpan PhaseTimeout(string phase) =>
        _timeouts.TryGetValue(phase, out var timeout) ? timeout : throw new ArgumentException($"unknown phase '{phase}'", nameof(phase));

    /// <summary>
    /// Adds <paramref name="task"/> to <paramref name="phase"/>. Its token is cancelled when the phase times
    /// out. A task added once its phase has started is not run.
    /// </summary>
    public void AddTask(string phase, string taskName, Func<CancellationToken, Task> task)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(taskName);
        ArgumentNullException.ThrowIfNull(task);
        lock (_gate)
        {
            if (!_tasks.TryGetValue(phase, out var tasks)) throw new ArgumentException($"unknown phase '{phase}'; the phases are {string.Join(", ", Phases)}", nameof(phase));
            if (_startedPhases.Contains(phase))
            {
                CoordinatedShutdownLog.TaskAddedTooLate(_log, phase, taskName);
                return;
            }
            tasks.Add((taskName, task));
        }
    }

    /// <summary>
    /// Runs the phases in order and terminates the system last. Idempotent: later calls return the task
    /// of the first one, whose reason is kept. Completes within the sum of the phase timeouts.
    /// </summary>
    public Task RunAsync(string reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        lock (_gate)
        {
            if (_run is not null) return _run;
            Volatile.Write(ref _reason, reason);
            _run = Task.Run(RunPhasesAsync);
            return _run;
        }
    }

    private async Task RunPhasesAsync()
    {
        CoordinatedShutdownLog.Started(_log, _system.Name, Reason ?? "");
        foreach (var phase in Phases)
        {
            var timeout = _timeouts[phase];
            List<(string Name, Func<CancellationToken, Task> Task)> tasks;
            lock (_gate)
            {
                _startedPhases.Add(phase);
                tasks = [.. _tasks[phase]];
            }
            if (phase == PhaseActorSystemTerminate && _terminateSystem) tasks.Add(("terminate-actor-system", _ => _system.Terminate()));
            if (tasks.Count == 0) continue;
            using var cancel = new CancellationTokenSource();
            var running = tasks.Select(t => RunTaskAsync(phase, t.Name, t.Task, cancel.Token)).ToArray();
            try
            {
                await Task.WhenAll(running).WaitAsync(timeout, _system.TimeProvider).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                await cancel.CancelAsync().ConfigureAwait(false);
                CoordinatedShutdownLog.PhaseTimedOut(_log, phase, timeout);
            }
        }
        CoordinatedShutdownLog.Finished(_log, _system.Name);
    }

    private async Task RunTaskAsync(string phase, string name, Func<CancellationToken, Task> task, CancellationToken cancellationToken)
    {
        try
        {
            await task(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            CoordinatedShutdownLog.TaskTimedOut(_log, phase, name);
        }
        catch (Exception e)
        {
            CoordinatedShutdownLog.TaskFailed(_log, e, phase, name);
        }
    }

    private static TimeSpan PositiveTimeout(Config config, string key, TimeSpan fallback)
    {
        var value = config.GetTimeSpan(key, fallback);
        if (value <= TimeSpan.Zero) throw new ConfigException($"{key} must be > 0, not {value}");
        return value;
    }
}
