using System.Collections.Concurrent;
using System.Threading.Channels;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Lab;
using Lava.Host.Master.Jobs;

namespace Lava.Host.Master.Gateway.Ui;

/// <summary>A job or device as it is after a <see cref="LiveChange"/>, read once for every subscriber.</summary>
internal abstract record LiveUpdate;

/// <summary>The job's row after a change; subscribers show it only to viewers who may see it.</summary>
internal sealed record JobUpdate(JobRow Job) : LiveUpdate;

/// <summary>The device after a change, with the job on it (null when idle).</summary>
internal sealed record DeviceUpdate(Device Device, long? CurrentJob) : LiveUpdate;

/// <summary>
/// This master's fan-out of live changes to the web UI's Server-Sent Events: <see cref="LiveFeedSubscriber"/> hands it
/// each <see cref="LiveChange"/>, one reader loop reads the rows named (once, whoever watches), and each subscriber
/// gets them on a small channel of its own. An idle subscriber costs its channel and nothing else; a slow one loses
/// its oldest updates, never blocks the others.
/// </summary>
internal sealed class LiveFeed : IDisposable
{
    private const int SubscriberCapacity = 256;
    // Rows are read once for every subscriber; each stream then applies its own viewer's visibility.
    private static readonly Viewer Superuser = new("", true, []);
    private readonly ConcurrentDictionary<Channel<LiveUpdate>, byte> _subscribers = new();
    private readonly Channel<LiveChange> _changes = Channel.CreateUnbounded<LiveChange>(new UnboundedChannelOptions { SingleReader = true });
    private readonly IJobReadModel _jobs;
    private readonly IDeviceRegistry _devices;
    private readonly ILogger<LiveFeed> _logger;

    public LiveFeed(IJobReadModel jobs, IDeviceRegistry devices, ILogger<LiveFeed> logger)
    {
        (_jobs, _devices, _logger) = (jobs, devices, logger);
        _ = Task.Run(ReadLoopAsync);
    }

    /// <summary>Ends the reader loop when the master stops.</summary>
    public void Dispose() => _changes.Writer.TryComplete();

    /// <summary>Queues a change; never blocks.</summary>
    public void Publish(LiveChange change) => _changes.Writer.TryWrite(change);

    /// <summary>A subscription ending when <paramref name="cancellationToken"/> is canceled (the request ends).</summary>
    public ChannelReader<LiveUpdate> Subscribe(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<LiveUpdate>(new BoundedChannelOptions(SubscriberCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        _subscribers[channel] = 0;
        cancellationToken.Register(() =>
        {
            _subscribers.TryRemove(channel, out _);
            channel.Writer.TryComplete();
        });
        return channel.Reader;
    }

    private async Task ReadLoopAsync()
    {
        await foreach (var change in _changes.Reader.ReadAllAsync())
        {
            if (_subscribers.IsEmpty) continue;
            try
            {
                var devices = new HashSet<string>(change.Devices, StringComparer.Ordinal);
                foreach (var id in change.Jobs)
                {
                    if (await _jobs.FindAsync(id, Superuser) is not { } job) continue;
                    Fan(new JobUpdate(job));
                    if (job.Device is { } device) devices.Add(device);
                }
                foreach (var hostname in devices)
                {
                    if (await DeviceAsync(hostname) is { } update) Fan(update);
                }
            }
            catch (Exception e)
            {
                // One change that cannot be read (the database out of reach) must not end live updates for every page.
                LogMessages.LiveChangeUnread(_logger, e);
            }
        }
    }

    /// <summary>The device as it is now, with its current job; null when it does not exist.</summary>
    public async Task<DeviceUpdate?> DeviceAsync(string hostname, CancellationToken cancellationToken = default) =>
        await _devices.FindDeviceAsync(hostname, cancellationToken) is { } device ? new DeviceUpdate(device, await CurrentJobAsync(hostname, cancellationToken)) : null;

    private async Task<long?> CurrentJobAsync(string hostname, CancellationToken cancellationToken)
    {
        foreach (var state in new[] { Actors.Jobs.JobState.Running, Actors.Jobs.JobState.Scheduled, Actors.Jobs.JobState.Canceling })
        {
            var page = await _jobs.ListAsync(new JobQuery(Superuser, State: state, Device: hostname, Limit: 1), cancellationToken);
            if (page.Rows.Count > 0) return page.Rows[0].Id;
        }
        return null;
    }

    private void Fan(LiveUpdate update)
    {
        foreach (var subscriber in _subscribers.Keys) subscriber.Writer.TryWrite(update);
    }

    /// <summary>Whether <paramref name="viewer"/> may see <paramref name="job"/>, by the read model's rule.</summary>
    public static bool CanView(Viewer viewer, JobRow job) => JobVisibilityRules.CanView(viewer, job.Submitter, job.Visibility);
}
