using Lava.Kernel.Persistence;
using Xunit;

namespace Lava.Kernel.Tests.Persistence;

/// <summary>
/// What every <see cref="IJournal"/> must do (Akka's journal TCK, plus our delete and serialization rules).
/// Each implementation derives a class providing <see cref="CreateJournal"/>.
/// </summary>
public abstract class JournalConformanceSpec : IAsyncLifetime
{
    private readonly List<IJournal> _journals = [];
    private IJournal? _journal;

    protected IJournal Journal => _journal ?? throw new InvalidOperationException("InitializeAsync has not run.");

    /// <summary>A journal over the same storage on every call (so a second one sees the first one's events).</summary>
    protected abstract IJournal CreateJournal(EventRegistry registry);

    public virtual Task InitializeAsync()
    {
        _journal = Track(CreateJournal(TestEvents.Registry()));
        return Task.CompletedTask;
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var journal in _journals)
        {
            await journal.DisposeAsync();
        }
    }

    [StoreFact]
    public async Task Journal_must_replay_appended_events_in_order()
    {
        var pid = NewPersistenceId();
        await WriteCountedAsync(pid, 1, 5);

        var replayed = await ReplayAsync(pid);

        Assert.Equal([1L, 2, 3, 4, 5], replayed.Select(r => r.SequenceNr));
        Assert.Equal([1, 2, 3, 4, 5], replayed.Select(r => ((Counted)r.Payload).N));
        Assert.All(replayed, r => Assert.Equal((pid, "counted.v1"), (r.PersistenceId, r.Manifest)));
    }

    [StoreFact]
    public async Task Journal_must_replay_only_the_requested_range_and_at_most_max()
    {
        var pid = NewPersistenceId();
        await WriteCountedAsync(pid, 1, 10);

        Assert.Equal([3L, 4, 5, 6, 7], (await ReplayAsync(pid, 3, 7)).Select(r => r.SequenceNr));
        Assert.Equal([3L, 4], (await ReplayAsync(pid, 3, 7, max: 2)).Select(r => r.SequenceNr));
        Assert.Empty(await ReplayAsync(pid, 3, 7, max: 0));
        Assert.Empty(await ReplayAsync(pid, 11, long.MaxValue));
    }

    [StoreFact]
    public async Task Journal_must_report_the_highest_sequence_nr_and_zero_for_an_unknown_id()
    {
        var pid = NewPersistenceId();
        await WriteCountedAsync(pid, 1, 7);

        Assert.Equal(7, await Journal.ReadHighestSequenceNrAsync(pid));
        Assert.Equal(7, await Journal.ReadHighestSequenceNrAsync(pid, 5));
        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync(NewPersistenceId()));
    }

    [StoreFact]
    public async Task Journal_must_fail_only_the_conflicting_write()
    {
        var pid = NewPersistenceId();
        var other = NewPersistenceId();
        await WriteCountedAsync(pid, 1, 3);

        var results = await Journal.WriteAsync([Write(pid, 3, 99), Write(other, 1, 1)]);
        var concurrent = await Task.WhenAll(Journal.WriteAsync([Write(pid, 2, 98)]), Journal.WriteAsync([Write(other, 2, 2)]));

        Assert.Equal(WriteOutcome.Failed, results[0].Outcome);
        var conflict = Assert.IsType<JournalConflictException>(results[0].Error);
        Assert.Equal((pid, 3L), (conflict.PersistenceId, conflict.FromSequenceNr));
        Assert.True(results[1].IsWritten, $"the write of {other} failed with {results[1].Error}");
        Assert.IsType<JournalConflictException>(concurrent[0][0].Error);
        Assert.True(concurrent[1][0].IsWritten, $"the concurrent write of {other} failed with {concurrent[1][0].Error}");
        Assert.Equal([1, 2, 3], (await ReplayAsync(pid)).Select(r => ((Counted)r.Payload).N));
        Assert.Equal([1, 2], (await ReplayAsync(other)).Select(r => ((Counted)r.Payload).N));
    }

    [StoreFact]
    public async Task Journal_must_store_an_atomic_write_all_or_none()
    {
        var pid = NewPersistenceId();
        await WriteCountedAsync(pid, 1, 2);

        var overlapping = await Journal.WriteAsync([Atomic(pid, 2, 4)]);
        var fresh = await Journal.WriteAsync([Atomic(pid, 3, 5)]);

        Assert.Equal(WriteOutcome.Failed, overlapping[0].Outcome);
        Assert.True(fresh[0].IsWritten, $"the atomic write 3..5 failed with {fresh[0].Error}");
        Assert.Equal([1L, 2, 3, 4, 5], (await ReplayAsync(pid)).Select(r => r.SequenceNr));
    }

    [StoreFact]
    public async Task Journal_must_delete_events_up_to_a_sequence_nr()
    {
        var pid = NewPersistenceId();
        await WriteCountedAsync(pid, 1, 5);

        await Journal.DeleteMessagesToAsync(pid, 3);

        Assert.Equal([4L, 5], (await ReplayAsync(pid)).Select(r => r.SequenceNr));
        Assert.Equal(5, await Journal.ReadHighestSequenceNrAsync(pid));
    }

    [StoreFact]
    public async Task Journal_must_keep_the_highest_sequence_nr_after_deleting_all_events()
    {
        var pid = NewPersistenceId();
        await WriteCountedAsync(pid, 1, 5);

        await Journal.DeleteMessagesToAsync(pid, 5);
        await Journal.DeleteMessagesToAsync(pid, 5);
        var afterDeleteAll = await Journal.ReadHighestSequenceNrAsync(pid);
        await WriteCountedAsync(pid, 6, 6);
        await Journal.DeleteMessagesToAsync(pid, 6);

        Assert.Equal(5, afterDeleteAll);
        Assert.Equal(6, await Journal.ReadHighestSequenceNrAsync(pid));
        Assert.Empty(await ReplayAsync(pid));
        Assert.Equal(6, await Track(CreateJournal(TestEvents.Registry())).ReadHighestSequenceNrAsync(pid));
    }

    [StoreFact]
    public async Task Journal_must_reject_a_delete_beyond_the_highest_sequence_nr()
    {
        var pid = NewPersistenceId();
        await WriteCountedAsync(pid, 1, 3);

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Journal.DeleteMessagesToAsync(pid, 4));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Journal.DeleteMessagesToAsync(NewPersistenceId(), 1));

        Assert.Contains("highest sequence number is 3", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, (await ReplayAsync(pid)).Count);
    }

    [StoreFact]
    public async Task Journal_must_round_trip_a_5_MB_payload()
    {
        var pid = NewPersistenceId();
        var blob = new Blob(TestEvents.LargeText(5 * 1024 * 1024));

        var results = await Journal.WriteAsync([new AtomicWrite(new PersistentRepr(pid, 1, blob))]);

        Assert.True(results[0].IsWritten, $"the 5 MB write failed with {results[0].Error}");
        Assert.Equal(blob, Assert.Single(await ReplayAsync(pid)).Payload);
    }

    [StoreFact]
    public async Task Journal_must_replay_1000_persistence_ids_written_concurrently()
    {
        var pids = Enumerable.Range(0, 1000).Select(_ => NewPersistenceId()).ToList();

        await Task.WhenAll(pids.Select(async pid =>
        {
            for (var nr = 1; nr <= 3; nr++)
            {
                await WriteCountedAsync(pid, nr, nr);
            }
        }));

        foreach (var pid in pids)
        {
            var replayed = await ReplayAsync(pid);
            Assert.True(replayed.Select(r => ((Counted)r.Payload).N).SequenceEqual([1, 2, 3]), $"{pid} replayed [{string.Join(", ", replayed.Select(r => r.SequenceNr))}]");
        }
    }

    [StoreFact]
    public async Task Journal_must_fail_replay_with_an_error_naming_an_unknown_manifest()
    {
        var pid = NewPersistenceId();
        var writer = Track(CreateJournal(TestEvents.Registry().Register<Renamed>("renamed.v1")));
        await writer.WriteAsync([Write(pid, 1, 1), new AtomicWrite(new PersistentRepr(pid, 2, new Renamed("x")))]);
        var replayed = new List<long>();

        var error = await Assert.ThrowsAsync<UnknownManifestException>(() =>
            Journal.ReplayAsync(pid, 1, long.MaxValue, long.MaxValue, r => { replayed.Add(r.SequenceNr); return ValueTask.CompletedTask; }));

        Assert.Equal([1L], replayed);
        Assert.Equal(("renamed.v1", pid, 2L), (error.Manifest, error.PersistenceId, error.SequenceNr));
        Assert.Contains("'renamed.v1'", error.Message, StringComparison.Ordinal);
        Assert.Contains(pid, error.Message, StringComparison.Ordinal);
    }

    [StoreFact]
    public async Task Journal_must_reject_an_unregistered_type_and_store_nothing_of_its_atomic_write()
    {
        var pid = NewPersistenceId();
        var other = NewPersistenceId();
        var mixed = new AtomicWrite([new PersistentRepr(pid, 1, new Counted(1)), new PersistentRepr(pid, 2, new NeverRegistered(2))]);

        var results = await Journal.WriteAsync([mixed, Write(other, 1, 1)]);

        Assert.Equal(WriteOutcome.Rejected, results[0].Outcome);
        Assert.Contains(nameof(NeverRegistered), Assert.IsType<PersistenceSerializationException>(results[0].Error).Message, StringComparison.Ordinal);
        Assert.True(results[1].IsWritten, $"the write of {other} failed with {results[1].Error}");
        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync(pid));
        Assert.Empty(await ReplayAsync(pid));
    }

    protected static string NewPersistenceId() => $"pid-{Guid.NewGuid():N}";

    protected IJournal Track(IJournal journal)
    {
        _journals.Add(journal);
        return journal;
    }

    private static AtomicWrite Write(string pid, long sequenceNr, int n) => new(new PersistentRepr(pid, sequenceNr, new Counted(n)));

    private static AtomicWrite Atomic(string pid, long from, long to) =>
        new([.. Enumerable.Range((int)from, (int)(to - from + 1)).Select(n => new PersistentRepr(pid, n, new Counted(n)))]);

    /// <summary>Writes events <paramref name="from"/>..<paramref name="to"/> (payload = sequence number), one atomic write each.</summary>
    private async Task WriteCountedAsync(string pid, int from, int to)
    {
        var results = await Journal.WriteAsync([.. Enumerable.Range(from, to - from + 1).Select(n => Write(pid, n, n))]);
        Assert.True(results.All(r => r.IsWritten), $"writing {pid} {from}..{to}: {string.Join("; ", results.Select(r => r.Error?.Message))}");
    }

    private async Task<List<PersistentRepr>> ReplayAsync(string pid, long from = 1, long to = long.MaxValue, long max = long.MaxValue)
    {
        var replayed = new List<PersistentRepr>();
        await Journal.ReplayAsync(pid, from, to, max, r => { replayed.Add(r); return ValueTask.CompletedTask; });
        return replayed;
    }
}
