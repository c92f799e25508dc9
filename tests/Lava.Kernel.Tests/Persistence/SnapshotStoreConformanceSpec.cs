using Lava.Kernel.Persistence;
using Xunit;

namespace Lava.Kernel.Tests.Persistence;

/// <summary>What every <see cref="ISnapshotStore"/> must do; each implementation derives a class providing <see cref="CreateStore"/>.</summary>
public abstract class SnapshotStoreConformanceSpec : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly List<ISnapshotStore> _stores = [];
    private ISnapshotStore? _store;

    protected ISnapshotStore Store => _store ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <summary>A store over the same storage on every call.</summary>
    protected abstract ISnapshotStore CreateStore(EventRegistry registry);

    public virtual Task InitializeAsync()
    {
        _store = Track(CreateStore(TestEvents.Registry()));
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }

    [StoreFact]
    public async Task SnapshotStore_must_load_the_snapshot_with_the_highest_sequence_nr()
    {
        var pid = NewPersistenceId();
        await SaveAsync(pid, 1, 3, 2);

        var loaded = await Store.LoadAsync(pid, SnapshotSelectionCriteria.Latest);

        Assert.NotNull(loaded);
        Assert.Equal(new SnapshotMetadata(pid, 3, T0.AddMinutes(3)), loaded.Metadata);
        Assert.Equal(new CounterState(3, "after 3"), loaded.Snapshot);
    }

    [StoreFact]
    public async Task SnapshotStore_must_select_by_max_sequence_nr()
    {
        var pid = NewPersistenceId();
        await SaveAsync(pid, 1, 2, 3);

        Assert.Equal(2, (await Store.LoadAsync(pid, SnapshotSelectionCriteria.UpTo(2)))?.Metadata.SequenceNr);
        Assert.Equal(3, (await Store.LoadAsync(pid, SnapshotSelectionCriteria.Latest with { MinSequenceNr = 3 }))?.Metadata.SequenceNr);
        Assert.Null(await Store.LoadAsync(pid, SnapshotSelectionCriteria.UpTo(0)));
    }

    [StoreFact]
    public async Task SnapshotStore_must_select_by_max_and_min_timestamp()
    {
        var pid = NewPersistenceId();
        await SaveAsync(pid, 1, 2, 3);

        var byTime = await Store.LoadAsync(pid, new SnapshotSelectionCriteria(long.MaxValue, T0.AddMinutes(2)));
        var window = await Store.LoadAsync(pid, new SnapshotSelectionCriteria(1, DateTimeOffset.MaxValue, MinTimestamp: T0.AddMinutes(2)));

        Assert.Equal(2, byTime?.Metadata.SequenceNr);
        Assert.Null(window);
    }

    [StoreFact]
    public async Task SnapshotStore_must_return_nothing_for_None_and_for_an_unknown_id()
    {
        var pid = NewPersistenceId();
        await SaveAsync(pid, 1);

        Assert.Null(await Store.LoadAsync(pid, SnapshotSelectionCriteria.None));
        Assert.Null(await Store.LoadAsync(NewPersistenceId(), SnapshotSelectionCriteria.Latest));
    }

    [StoreFact]
    public async Task SnapshotStore_must_replace_a_snapshot_saved_again_with_the_same_sequence_nr()
    {
        var pid = NewPersistenceId();
        await SaveAsync(pid, 4);

        await Store.SaveAsync(new SnapshotMetadata(pid, 4, T0.AddHours(1)), new CounterState(40, "replaced"));

        var loaded = await Store.LoadAsync(pid, SnapshotSelectionCriteria.Latest);
        Assert.Equal(new CounterState(40, "replaced"), loaded?.Snapshot);
        Assert.Equal(T0.AddHours(1), loaded?.Metadata.Timestamp);
    }

    [StoreFact]
    public async Task SnapshotStore_must_delete_one_snapshot_by_metadata()
    {
        var pid = NewPersistenceId();
        await SaveAsync(pid, 1, 2);

        await Store.DeleteAsync(new SnapshotMetadata(pid, 2, default));

        Assert.Equal(1, (await Store.LoadAsync(pid, SnapshotSelectionCriteria.Latest))?.Metadata.SequenceNr);
    }

    [StoreFact]
    public async Task SnapshotStore_must_delete_the_snapshots_matching_criteria()
    {
        var pid = NewPersistenceId();
        var other = NewPersistenceId();
        await SaveAsync(pid, 1, 2, 3, 4);
        await SaveAsync(other, 1);

        await Store.DeleteAsync(pid, SnapshotSelectionCriteria.UpTo(2));

        Assert.Null(await Store.LoadAsync(pid, SnapshotSelectionCriteria.UpTo(2)));
        Assert.Equal(3, (await Store.LoadAsync(pid, SnapshotSelectionCriteria.UpTo(3)))?.Metadata.SequenceNr);
        Assert.NotNull(await Store.LoadAsync(other, SnapshotSelectionCriteria.Latest));
    }

    [StoreFact]
    public async Task SnapshotStore_must_round_trip_a_5_MB_snapshot()
    {
        var pid = NewPersistenceId();
        var state = new CounterState(1, TestEvents.LargeText(5 * 1024 * 1024));

        await Store.SaveAsync(new SnapshotMetadata(pid, 1, T0), state);

        Assert.Equal(state, (await Store.LoadAsync(pid, SnapshotSelectionCriteria.Latest))?.Snapshot);
    }

    [StoreFact]
    public async Task SnapshotStore_must_refuse_an_unregistered_type_and_name_an_unknown_manifest_on_load()
    {
        var pid = NewPersistenceId();
        var wider = Track(CreateStore(TestEvents.Registry().Register<Renamed>("renamed.v1")));
        await wider.SaveAsync(new SnapshotMetadata(pid, 7, T0), new Renamed("old"));

        await Assert.ThrowsAsync<PersistenceSerializationException>(() => Store.SaveAsync(new SnapshotMetadata(pid, 8, T0), new NeverRegistered(1)));
        var error = await Assert.ThrowsAsync<UnknownManifestException>(() => Store.LoadAsync(pid, SnapshotSelectionCriteria.Latest));

        Assert.Equal(("renamed.v1", pid, 7L), (error.Manifest, error.PersistenceId, error.SequenceNr));
    }

    private static string NewPersistenceId() => $"pid-{Guid.NewGuid():N}";

    private ISnapshotStore Track(ISnapshotStore store)
    {
        _stores.Add(store);
        return store;
    }

    /// <summary>Saves a snapshot per sequence number n, taken at T0 + n minutes.</summary>
    private async Task SaveAsync(string pid, params long[] sequenceNrs)
    {
        foreach (var nr in sequenceNrs)
        {
            await Store.SaveAsync(new SnapshotMetadata(pid, nr, T0.AddMinutes(nr)), new CounterState((int)nr, $"after {nr}"));
        }
    }
}
