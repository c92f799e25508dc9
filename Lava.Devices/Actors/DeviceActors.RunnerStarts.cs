using Akka.Actor;

namespace Lava.Devices.Actors;

/// <summary>
/// How many job runners start at once. A runner is a new .NET process: its runtime start and first compilation take
/// about half a second of CPU each, so hundreds of jobs handed to a worker at once would start hundreds of processes
/// together and starve everything else on the machine (a master on the same host missed its journal's timeout that
/// way). At most <see cref="DeviceActorOptions.MaxStartingRunners"/> start together; the other jobs wait their turn in
/// the order they asked.
/// </summary>
public sealed partial class DeviceActors
{
    private readonly HashSet<long> _starting = [];
    private readonly LinkedList<(long JobId, IActorRef Device)> _waiting = [];

    private void OnStartRunner(StartRunner start)
    {
        if (_starting.Contains(start.JobId) || _waiting.Any(w => w.JobId == start.JobId)) return;
        if (_starting.Count < _options.MaxStartingRunners)
        {
            _starting.Add(start.JobId);
            Sender.Tell(new RunnerStartGranted(start.JobId));
            return;
        }
        Sender.Tell(new RunnerStartQueued(start.JobId, _waiting.Count, _starting.Count, _options.MaxStartingRunners));
        _waiting.AddLast((start.JobId, Sender));
    }

    private void OnRunnerStartDone(RunnerStartDone done)
    {
        if (!_starting.Remove(done.JobId))
        {
            // Withdrawn while waiting (canceled): it never starts.
            var waiting = _waiting.First;
            while (waiting is not null && waiting.Value.JobId != done.JobId) waiting = waiting.Next;
            if (waiting is not null) _waiting.Remove(waiting);
        }
        while (_starting.Count < _options.MaxStartingRunners && _waiting.First is { } next)
        {
            _waiting.RemoveFirst();
            _starting.Add(next.Value.JobId);
            next.Value.Device.Tell(new RunnerStartGranted(next.Value.JobId));
        }
        if (_waiting.Count == 0 && _spares is { } spares && spares.Count < _options.SpareRunners) FillSpares();
    }
}

/// <summary>
/// Sent by a device actor to <see cref="DeviceActors"/> when its job needs a runner started (no spare took it): answered
/// at once with <see cref="RunnerStartGranted"/> when fewer than the bound are starting, else with
/// <see cref="RunnerStartQueued"/> and later, in turn, <see cref="RunnerStartGranted"/>.
/// </summary>
public sealed record StartRunner(long JobId);

/// <summary>Answer to <see cref="StartRunner"/>: start the job's runner now, and send <see cref="RunnerStartDone"/> once it is up.</summary>
public sealed record RunnerStartGranted(long JobId);

/// <summary>
/// Answer to <see cref="StartRunner"/>: the job waits behind <paramref name="Ahead"/> other jobs while
/// <paramref name="Starting"/> runners start (at most <paramref name="Max"/> at once).
/// </summary>
public sealed record RunnerStartQueued(long JobId, int Ahead, int Starting, int Max);

/// <summary>
/// Sent by a device actor to <see cref="DeviceActors"/> when its job's runner is up (wrote its first log line) or gone,
/// or when its job no longer waits for a start (canceled, the actor stopped): the next waiting job may start.
/// </summary>
public sealed record RunnerStartDone(long JobId);
