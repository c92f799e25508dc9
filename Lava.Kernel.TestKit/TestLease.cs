namespace Lava.Kernel.TestKit;

/// <summary>
/// The shared table of <see cref="TestLease"/>s: which owner holds which name, in memory. Every lease that must
/// exclude the others in a test (e.g. one per node) uses the same store.
/// </summary>
public sealed class TestLeaseStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, TestLease> _holders = new(StringComparer.Ordinal);
    private readonly List<TestLeaseEvent> _events = [];

    /// <summary>Every acquisition, release and loss so far, in order.</summary>
    public IReadOnlyList<TestLeaseEvent> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>The owner holding <paramref name="name"/>, or null.</summary>
    public string? HolderOf(string name)
    {
        lock (_gate)
        {
            return _holders.GetValueOrDefault(name)?.Owner;
        }
    }

    internal bool TryTake(TestLease lease)
    {
        lock (_gate)
        {
            var holder = _holders.GetValueOrDefault(lease.Name);
            if (holder is not null && holder != lease)
            {
                return false;
            }
            if (holder is null)
            {
                _events.Add(new TestLeaseEvent(lease.Name, lease.Owner, TestLeaseEventKind.Acquired));
            }
            _holders[lease.Name] = lease;
            return true;
        }
    }

    internal bool TryGiveUp(TestLease lease, TestLeaseEventKind kind)
    {
        lock (_gate)
        {
            if (_holders.GetValueOrDefault(lease.Name) != lease)
            {
                return false;
            }
            _holders.Remove(lease.Name);
            _events.Add(new TestLeaseEvent(lease.Name, lease.Owner, kind));
            return true;
        }
    }

    internal bool Holds(TestLease lease)
    {
        lock (_gate)
        {
            return _holders.GetValueOrDefault(lease.Name) == lease;
        }
    }
}

/// <summary>What happened to a <see cref="TestLease"/>.</summary>
public enum TestLeaseEventKind { Acquired, Released, Lost }

/// <summary>One entry of <see cref="TestLeaseStore.Events"/>.</summary>
public sealed record TestLeaseEvent(string Name, string Owner, TestLeaseEventKind Kind);

/// <summary>
/// An in-memory <see cref="ILease"/> for tests in one process: leases with the same name in the same
/// <see cref="TestLeaseStore"/> exclude each other, and the test can take a held lease away with
/// <see cref="Lose"/> (as a lost connection to the lease database would) or make acquisition fail with
/// <see cref="RefuseAcquire"/>.
/// </summary>
public sealed class TestLease(TestLeaseStore store, string name, string owner) : ILease
{
    private Action<Exception?>? _leaseLost;
    private int _acquireAttempts;

    /// <inheritdoc />
    public string Name { get; } = name;

    /// <inheritdoc />
    public string Owner { get; } = owner;

    /// <summary>The store shared with the competing leases.</summary>
    public TestLeaseStore Store { get; } = store;

    /// <summary>While true, <see cref="AcquireAsync"/> answers false even when the lease is free.</summary>
    public bool RefuseAcquire { get; set; }

    /// <summary>How many times <see cref="AcquireAsync"/> was called, whatever its answer.</summary>
    public int AcquireAttempts => Volatile.Read(ref _acquireAttempts);

    /// <inheritdoc />
    public Task<bool> AcquireAsync(Action<Exception?> leaseLost, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(leaseLost);
        ct.ThrowIfCancellationRequested();
        Interlocked.Increment(ref _acquireAttempts);
        if (CheckLease())
        {
            return Task.FromResult(true);
        }
        if (RefuseAcquire || !Store.TryTake(this))
        {
            return Task.FromResult(false);
        }
        Volatile.Write(ref _leaseLost, leaseLost);
        return Task.FromResult(true);
    }

    /// <inheritdoc />
    public Task<bool> ReleaseAsync(CancellationToken ct = default) =>
        Task.FromResult(Store.TryGiveUp(this, TestLeaseEventKind.Released));

    /// <inheritdoc />
    public bool CheckLease() => Store.Holds(this);

    /// <summary>Takes the lease away from this holder: <see cref="CheckLease"/> turns false and the lost callback runs. False when it was not held.</summary>
    public bool Lose(Exception? reason = null)
    {
        if (!Store.TryGiveUp(this, TestLeaseEventKind.Lost))
        {
            return false;
        }
        Interlocked.Exchange(ref _leaseLost, null)?.Invoke(reason ?? new LeaseLostException(Name, Owner, "taken away by the test"));
        return true;
    }
}
