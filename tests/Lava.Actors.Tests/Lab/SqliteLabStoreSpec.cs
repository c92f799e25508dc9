using Lava.Actors.Lab;
using Lava.Actors.Lab.Sqlite;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Lava.Actors.Tests.Lab;

public sealed class SqliteLabStoreSpec : IAsyncLifetime
{
    private LabStoreFixture _lab = null!;

    public async Task InitializeAsync() => _lab = await LabStoreFixture.CreateAsync();

    public async Task DisposeAsync() => await _lab.DisposeAsync();

    [Fact]
    public async Task SqliteLabStore_must_apply_each_migration_once_and_use_wal()
    {
        await SqliteLabStore.OpenAsync(_lab.DatabasePath);

        await using var connection = new SqliteConnection($"Data Source={_lab.DatabasePath}");
        await connection.OpenAsync();
        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode"));
        Assert.Equal(2L, await ScalarAsync(connection, "SELECT COUNT(*) FROM lab_schema_migrations"));
    }

    [Fact]
    public async Task SqliteLabStore_must_refuse_a_duplicate_hostname_and_keep_the_first()
    {
        var first = NewWorker("w1") with { Description = "first" };

        Assert.True(await _lab.Store.TryAddAsync(first));
        Assert.False(await _lab.Store.TryAddAsync(NewWorker("w1") with { Description = "second" }));
        Assert.Equal(first, await _lab.Store.FindAsync("w1"));
    }

    [Fact]
    public async Task SqliteLabStore_must_keep_workers_across_reopening_ordered_by_hostname()
    {
        await _lab.Store.TryAddAsync(NewWorker("w2"));
        await _lab.Store.TryAddAsync(NewWorker("w1"));

        var reopened = await SqliteLabStore.OpenAsync(_lab.DatabasePath);

        Assert.Equal(["w1", "w2"], (await reopened.ListAsync()).Select(w => w.Hostname));
    }

    [Fact]
    public async Task SetState_must_record_state_and_last_ping()
    {
        await _lab.Store.TryAddAsync(NewWorker("w1"));
        var ping = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);

        var online = await _lab.Store.SetStateAsync("w1", WorkerState.Online, ping);
        var offline = await _lab.Store.SetStateAsync("w1", WorkerState.Offline, lastPing: null);

        Assert.Equal((WorkerState.Online, ping), (online!.State, online.LastPing));
        Assert.Equal((WorkerState.Offline, ping), (offline!.State, offline.LastPing));
        Assert.Null(await _lab.Store.SetStateAsync("ghost", WorkerState.Online, ping));
    }

    [Fact]
    public async Task Token_store_must_find_a_user_by_token_hash_only()
    {
        var token = ApiTokens.Generate();
        await _lab.Store.AddTokenAsync("admin", isSuperuser: true, ApiTokens.Hash(token), "test");

        Assert.Equal(new ApiUser("admin", true, true), await _lab.Store.FindByTokenHashAsync(ApiTokens.Hash(token)));
        Assert.Null(await _lab.Store.FindByTokenHashAsync(token));
        Assert.Matches("^[0-9a-f]{40}$", token);
    }

    private static Worker NewWorker(string hostname) =>
        new(hostname, "", WorkerState.Offline, WorkerHealth.Active, true, false, ApiTokens.Hash("t"), null, 0);

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
