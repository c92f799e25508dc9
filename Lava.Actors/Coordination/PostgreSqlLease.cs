using System.Diagnostics;
using Akka.Actor;
using Akka.Coordination;
using Akka.Event;
using Npgsql;
using static Lava.Actors.Coordination.LeaseSql;

namespace Lava.Actors.Coordination;

/// <summary>
/// An Akka.Coordination lease kept as a row of <c>lava_lease</c> in PostgreSQL, whose clock is the only one that
/// decides expiry; a cluster singleton uses it through <c>akka.cluster.singleton.use-lease</c> (see
/// <see cref="PostgreSqlLeaseOption"/>). Acquiring takes the row when it is absent, expired or already this owner's,
/// and sets it to expire <c>heartbeat-timeout</c> later; the holder renews every <c>heartbeat-interval</c>. Every
/// change to a name runs under <c>pg_advisory_xact_lock</c>. The holder never trusts the server's expiry: its own
/// deadline is the monotonic instant it sent its last successful renewal plus the time to live minus
/// <c>safety-margin</c>. The server computed the expiry after that instant, so the local deadline always comes
/// first: a holder that cannot renew (server down, connection broken, row taken) calls the lease-lost callback
/// before any other owner can take the row. Every holding interval is recorded in <c>lava_lease_history</c>.
/// </summary>
/// <remarks>
/// Created by Akka's <c>LeaseProvider</c>, one per lease name and owner. When its actor system terminates it stops
/// renewing without releasing, as a crashed process would: the row then stays until it expires.
/// </remarks>
public sealed partial class PostgreSqlLease : Lease
{
    /// <summary>Where the lease's configuration lives by default.</summary>
    public const string ConfigPath = "lava.coordination.lease.postgresql";

    private const string ReleasedReason = "released";
    private const string ExpiredReason = "expired";

    private readonly PostgreSqlLeaseSettings _settings;
    private readonly NpgsqlDataSource _dataSource;
    private readonly PostgreSqlLeaseSchema _schema;
    private readonly ILoggingAdapter _log;
    private readonly long _lockKey;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _initializing = new();
    private Task? _initialized;
    private volatile Holding? _holding;
    private bool _closed;

    /// <summary>Called by Akka's <c>LeaseProvider</c>; nothing is sent to the server until the first acquire.</summary>
    /// <exception cref="Akka.Configuration.ConfigurationException">The settings cannot work; the message names the key.</exception>
    public PostgreSqlLease(LeaseSettings settings, ExtendedActorSystem system)
        : base(settings)
    {
        ArgumentNullException.ThrowIfNull(system);
        _settings = PostgreSqlLeaseSettings.Create(settings);
        _log = Logging.GetLogger(system, typeof(PostgreSqlLease));
        _schema = new PostgreSqlLeaseSchema(_settings.SchemaName);
        _lockKey = AdvisoryLockKey($"lava-lease:{_settings.SchemaName}.{Name}");
        var builder = new NpgsqlDataSourceBuilder(_settings.ConnectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "lava-lease";
        _dataSource = builder.Build();
        system.RegisterOnTermination(() => _ = CloseAsync());
    }

    private string Name => Settings.LeaseName;

    private string Owner => Settings.OwnerName;

    /// <inheritdoc />
    public override Task<bool> Acquire() => Acquire(null);

    /// <summary>
    /// Tries to take the lease: true when it is now held by this owner, and then <paramref name="leaseLostCallback"/>
    /// is called once if it is lost later, after <see cref="CheckLease"/> turned false. While the lease is held,
    /// answers true and keeps the callback of the acquisition that took it.
    /// </summary>
    /// <exception cref="LeaseTimeoutException">No answer within <c>lease-operation-timeout</c>.</exception>
    public override Task<bool> Acquire(Action<Exception>? leaseLostCallback) =>
        WithinOperationTimeout(ct => AcquireAsync(leaseLostCallback, ct), "acquiring");

    /// <summary>
    /// Stops renewing at once, then deletes the row when it is still this owner's and closes the holding interval
    /// in the history. True when the row was this owner's and not expired.
    /// </summary>
    /// <exception cref="LeaseTimeoutException">No answer within <c>lease-operation-timeout</c>.</exception>
    public override Task<bool> Release() => WithinOperationTimeout(ReleaseAsync, "releasing");

    /// <summary>True while the lease is held and, from the holder's own clock, not expired. Cheap; no I/O.</summary>
    public override bool CheckLease() => _holding is { IsLost: false } holding && Stopwatch.GetTimestamp() < holding.Deadline;

    private async Task<bool> WithinOperationTimeout(Func<CancellationToken, Task<bool>> operation, string what)
    {
        using var timeout = new CancellationTokenSource(_settings.OperationTimeout);
        try
        {
            return await operation(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested)
        {
            throw new LeaseTimeoutException($"{what} lease '{Name}' for '{Owner}' took longer than {_settings.OperationTimeout}", e);
        }
    }

    private async Task<bool> AcquireAsync(Action<Exception>? leaseLost, CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (CheckLease())
            {
                return true;
            }
            await StopHeartbeatAsync().ConfigureAwait(false);

            // Taken before the request leaves: the server computes the expiry later than this instant.
            var sent = Stopwatch.GetTimestamp();
            if (!await TakeAsync(ct).ConfigureAwait(false))
            {
                return false;
            }
            var holding = new Holding(leaseLost, sent + Ticks(_settings.LocalValidity));
            _holding = holding;
            holding.Heartbeat = Task.Run(() => HeartbeatAsync(holding, sent), CancellationToken.None);
            _log.Info("Lease {0} acquired by {1}", Name, Owner);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<bool> ReleaseAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            await StopHeartbeatAsync().ConfigureAwait(false);
            var released = await RunInLockAsync(async (connection, transaction) =>
            {
                using var delete = Command(connection, transaction,
                    $"DELETE FROM {_schema.Lease} WHERE name = $1 AND owner = $2 RETURNING expires_at, expires_at < clock_timestamp()",
                    Name, Owner);
                DateTime? expiresAt = null;
                var expired = false;
                await using (var reader = await delete.ExecuteReaderAsync(ct).ConfigureAwait(false))
                {
                    if (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        expiresAt = reader.GetDateTime(0);
                        expired = reader.GetBoolean(1);
                    }
                }
                if (expiresAt is null)
                {
                    return false;
                }
                await CloseHistoryAsync(connection, transaction, expired ? expiresAt : null, expired ? ExpiredReason : ReleasedReason, ct).ConfigureAwait(false);
                return !expired;
            }, ct).ConfigureAwait(false);
            if (released)
            {
                _log.Info("Lease {0} released by {1}", Name, Owner);
            }
            return released;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task HeartbeatAsync(Holding holding, long lastSent)
    {
        var stop = holding.Stop.Token;
        Exception? lastError = null;
        try
        {
            while (true)
            {
                var next = Math.Min(lastSent + Ticks(_settings.HeartbeatInterval), holding.Deadline);
                await Task.Delay(Elapsed(Stopwatch.GetTimestamp(), next), stop).ConfigureAwait(false);

                var sent = Stopwatch.GetTimestamp();
                if (sent >= holding.Deadline)
                {
                    Lose(holding, "no renewal succeeded before the local deadline", lastError);
                    return;
                }
                bool ours;
                try
                {
                    // Bounded by the deadline: a renewal hanging on a dead server must not delay giving up.
                    var renewal = RenewAsync(stop);
                    _ = renewal.ContinueWith(t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                    ours = await renewal.WaitAsync(Elapsed(sent, holding.Deadline), stop).ConfigureAwait(false);
                }
                catch (Exception e) when (!stop.IsCancellationRequested)
                {
                    lastError = e;
                    _log.Warning(e, "Renewing lease {0} of {1} failed; retrying until its local deadline", Name, Owner);
                    lastSent = sent;
                    continue;
                }
                if (!ours)
                {
                    Lose(holding, "its row has been taken by another owner or has expired", null);
                    return;
                }
                lastError = null;
                holding.Deadline = sent + Ticks(_settings.LocalValidity);
                lastSent = sent;
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private void Lose(Holding holding, string reason, Exception? error)
    {
        if (!holding.MarkLost())
        {
            return;
        }
        _log.Warning("Lease {0} of {1} lost: {2}", Name, Owner, reason);
        try
        {
            holding.LeaseLost?.Invoke(new LeaseException($"Lease '{Name}' of '{Owner}' lost: {reason}", error));
        }
        catch (Exception e)
        {
            _log.Error(e, "The lost-lease callback of {0} ({1}) threw", Name, Owner);
        }
    }

    /// <summary>Ends the current holding without calling its lost callback: the caller gives the lease up itself.</summary>
    private async Task StopHeartbeatAsync()
    {
        if (_holding is not { } holding)
        {
            return;
        }
        _holding = null;
        holding.MarkLost();
        await holding.Stop.CancelAsync().ConfigureAwait(false);
        if (holding.Heartbeat is { } heartbeat)
        {
            await heartbeat.ConfigureAwait(false);
        }
        holding.Stop.Dispose();
    }

    private async Task CloseAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _closed = true;
            await StopHeartbeatAsync().ConfigureAwait(false);
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static long Ticks(TimeSpan duration) => (long)(duration.TotalSeconds * Stopwatch.Frequency);

    private static TimeSpan Elapsed(long from, long to) => to <= from ? TimeSpan.Zero : Stopwatch.GetElapsedTime(from, to);

    /// <summary>One acquisition: its callback, its local deadline (a <see cref="Stopwatch"/> timestamp) and its renewal loop.</summary>
    private sealed class Holding(Action<Exception>? leaseLost, long deadline)
    {
        private long _deadline = deadline;
        private int _lost;

        public Action<Exception>? LeaseLost { get; } = leaseLost;

        public CancellationTokenSource Stop { get; } = new();

        public Task? Heartbeat { get; set; }

        public long Deadline
        {
            get => Interlocked.Read(ref _deadline);
            set => Interlocked.Exchange(ref _deadline, value);
        }

        public bool IsLost => Volatile.Read(ref _lost) != 0;

        /// <summary>True for the caller that marked it first.</summary>
        public bool MarkLost() => Interlocked.Exchange(ref _lost, 1) == 0;
    }
}
