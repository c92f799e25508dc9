using System.Globalization;
using Akka.Actor;
using Akka.Event;
using Lava.Actors.Jobs.Running;
using Lava.Devices.Runs;

namespace Lava.Devices.Actors;

/// <summary>
/// The <c>devices</c> child of the worker's agent: creates one <see cref="DeviceActor"/> per device name on first use
/// and forwards the device job protocol to it, keeping the supervisor as the sender (acknowledgements, which name only
/// the job, go to the device that was asked to run it). At start it hands every job directory it finds under
/// <c>&lt;data-dir&gt;/jobs</c> to its device's actor, which adopts the runner, or ends the job when the runner is gone;
/// the job's supervisor finds it again with its next <see cref="QueryJob"/> or <see cref="RunJob"/>. It owns the
/// worker's spare runners (<see cref="SpareRunnerPool"/>, <see cref="DeviceActorOptions.SpareRunners"/>): kills those an
/// earlier worker left, keeps the pool full (again after each <see cref="SpareUsed"/>) and kills the unused ones when it stops.
/// It also lets at most <see cref="DeviceActorOptions.MaxStartingRunners"/> job runners start at once (see
/// <see cref="StartRunner"/>).
/// </summary>
public sealed partial class DeviceActors : ReceiveActor
{
    /// <summary>How long after a spare took a job its replacement may start, and how often the machine's load is looked at then.</summary>
    private static readonly TimeSpan RefillDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>The replacement starts once less than this share of the machine's CPU was busy over the last <see cref="RefillDelay"/>...</summary>
    private const double RefillBusyBelow = 0.8;

    /// <summary>...or this long after the spare was used, however busy the machine.</summary>
    private static readonly TimeSpan RefillMaxWait = TimeSpan.FromSeconds(5);

    private readonly MachineLoad _load = new();
    private DateTime? _refillWanted;

    private readonly DeviceActorOptions _options;
    private readonly Dictionary<long, string> _devicesByJob = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private SpareRunnerPool? _spares;

    public DeviceActors(DeviceActorOptions options)
    {
        _options = options;
        // A replacement's start and warm-up (about half a second of a core) would take the CPU from the job's first steps,
        // which it is there to speed up, and from the consoles streaming: it waits for a quieter machine, up to a bound.
        Receive<SpareUsed>(_ =>
        {
            if (_refillWanted is not null) return;
            _refillWanted = DateTime.UtcNow;
            _load.BusySinceLastRead();
            Context.System.Scheduler.ScheduleTellOnce(RefillDelay, Self, FillSparesNow.Instance, Self);
        });
        Receive<FillSparesNow>(_ => OnRefillDue());
        Receive<StartRunner>(OnStartRunner);
        Receive<RunnerStartDone>(OnRunnerStartDone);
        Receive<RunJob>(m => Hand(m.JobId, m.Device, m));
        Receive<QueryJob>(m => Hand(m.JobId, m.Device, m));
        Receive<StopJob>(m => Hand(m.JobId, m.Device, m));
        Receive<JobProgressAck>(m => { if (_devicesByJob.TryGetValue(m.JobId, out var device)) Device(device).Forward(m); });
        Receive<JobRunEndAck>(m =>
        {
            if (_devicesByJob.Remove(m.JobId, out var device)) Device(device).Forward(m);
        });
    }

    /// <summary>The props of the device actors of a worker.</summary>
    public static Props Props(DeviceActorOptions options) => Akka.Actor.Props.Create(() => new DeviceActors(options));

    protected override void PreStart()
    {
        SpareRunnerPool.CleanUp(_options.DataDir);
        if (_options.SpareRunners > 0)
        {
            _spares = new SpareRunnerPool(_options.RunnerCommand, _options.DataDir, _options.SpareRunners);
            FillSpares();
        }
        var root = JobDirectory.JobsRoot(_options.DataDir);
        if (!Directory.Exists(root)) return;
        foreach (var path in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            if (!long.TryParse(Path.GetFileName(path), NumberStyles.None, CultureInfo.InvariantCulture, out var jobId)) continue;
            var directory = new JobDirectory(path);
            // Acknowledged to the end, or never started: nothing to carry on.
            if (File.Exists(directory.EndedFile) || directory.ReadRun() is not { } run)
            {
                Directory.Delete(path, recursive: true);
                continue;
            }
            _devicesByJob[jobId] = run.Device;
            Device(run.Device).Tell(new AdoptJob(jobId));
        }
    }

    protected override void PostStop() => _spares?.Dispose();

    private void OnRefillDue()
    {
        if (_refillWanted is not { } since) return;
        var busy = _load.BusySinceLastRead();
        if (busy >= RefillBusyBelow && DateTime.UtcNow - since < RefillMaxWait)
        {
            Context.System.Scheduler.ScheduleTellOnce(RefillDelay, Self, FillSparesNow.Instance, Self);
            return;
        }
        _refillWanted = null;
        FillSpares();
    }

    private void FillSpares()
    {
        // Jobs waiting for a start go first: a spare's start would only take a core from theirs. The pool fills once
        // the queue is empty (OnRunnerStartDone).
        if (_spares is null || _waiting.Count > 0) return;
        try
        {
            _spares.Fill();
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            // Jobs start runners of their own meanwhile; the next job handed to a spare tries again.
            _log.Warning("Could not start a spare job runner: {Error}", e.Message);
        }
    }

    private void Hand(long jobId, string device, object message)
    {
        _devicesByJob.TryAdd(jobId, device);
        Device(device).Forward(message);
    }

    private IActorRef Device(string device)
    {
        var name = Uri.EscapeDataString(device);
        var child = Context.Child(name);
        return !child.IsNobody() ? child : Context.ActorOf(DeviceActor.Props(device, _options, _spares), name);
    }

    private sealed record FillSparesNow
    {
        public static readonly FillSparesNow Instance = new();
    }
}
