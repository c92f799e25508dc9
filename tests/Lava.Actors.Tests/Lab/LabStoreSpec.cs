using System.Data.Common;
using Dapper;
using Lava.Actors.Lab;
using Lava.Actors.Lab.Store;
using Xunit;

namespace Lava.Actors.Tests.Lab;

/// <summary>The lab store's contract, run on each engine by the subclasses at the end of this file.</summary>
public abstract class LabStoreSpec(LabTestDatabases databases) : IAsyncLifetime
{
    private LabDatabase _database = null!;
    private LabStore _store = null!;

    protected LabDatabase Database => _database;

    public async Task InitializeAsync()
    {
        _database = await databases.CreateAsync();
        _store = await LabStore.OpenAsync(_database);
    }

    public async Task DisposeAsync() => await databases.DisposeAsync();

    [LabFact]
    public async Task OpenAsync_must_apply_each_migration_once_and_record_it_in_lab_schema_versions()
    {
        Assert.Equal([(1L, "users and API tokens"), (2L, "workers"), (3L, "device types and devices"), (4L, "user groups"), (5L, "jobs, results, projection offsets and job ids"), (6L, "user passwords"), (7L, "job list index on visibility and id")], await VersionsAsync(_database));
    }

    [LabFact]
    public async Task OpenAsync_of_a_migrated_database_must_change_nothing_and_keep_the_data()
    {
        await _store.TryAddAsync(NewWorker("w1"));
        var applied = await AppliedOnAsync(_database);

        var reopened = await LabStore.OpenAsync(_database);

        Assert.Equal(applied, await AppliedOnAsync(_database));
        Assert.Equal(NewWorker("w1"), await reopened.FindAsync("w1"));
    }

    [LabFact]
    public async Task IsUpToDate_must_be_false_without_a_version_table_true_once_migrated_and_false_with_a_version_missing()
    {
        var fresh = await databases.CreateAsync();
        await using (var connection = await fresh.OpenConnectionAsync())
        {
            Assert.False(await LabMigrator.IsUpToDateAsync(connection, CancellationToken.None));
        }

        await LabStore.OpenAsync(fresh);
        await using (var connection = await fresh.OpenConnectionAsync())
        {
            Assert.True(await LabMigrator.IsUpToDateAsync(connection, CancellationToken.None));
            await connection.ExecuteAsync("DELETE FROM lab_schema_versions WHERE version = 7");
            Assert.False(await LabMigrator.IsUpToDateAsync(connection, CancellationToken.None));
        }
    }

    [LabFact]
    public async Task OpenAsync_must_apply_a_migration_missing_from_a_migrated_database()
    {
        await using (var connection = await _database.OpenConnectionAsync())
        {
            await connection.ExecuteAsync("DROP INDEX jobs_visibility_id");
            await connection.ExecuteAsync("DELETE FROM lab_schema_versions WHERE version = 7");
        }

        await LabStore.OpenAsync(_database);

        Assert.Equal(7, (await VersionsAsync(_database)).Count);
    }

    [LabFact]
    public async Task Concurrent_openers_of_a_new_database_must_apply_each_migration_once()
    {
        var fresh = await databases.CreateAsync();

        var stores = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => LabStore.OpenAsync(fresh))));

        Assert.Equal([(1L, "users and API tokens"), (2L, "workers"), (3L, "device types and devices"), (4L, "user groups"), (5L, "jobs, results, projection offsets and job ids"), (6L, "user passwords"), (7L, "job list index on visibility and id")], await VersionsAsync(fresh));
        Assert.True(await stores[0].TryAddAsync(NewWorker("w1")));
        Assert.Equal(NewWorker("w1"), await stores[7].FindAsync("w1"));
    }

    [LabFact]
    public async Task TryAdd_must_refuse_a_duplicate_hostname_and_keep_the_first()
    {
        var first = NewWorker("w1") with { Description = "first" };

        Assert.True(await _store.TryAddAsync(first));
        Assert.False(await _store.TryAddAsync(NewWorker("w1") with { Description = "second" }));
        Assert.Equal(first, await _store.FindAsync("w1"));
    }

    [LabFact]
    public async Task Concurrent_adds_of_one_hostname_must_let_exactly_one_succeed()
    {
        var added = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() => _store.TryAddAsync(NewWorker("w1") with { Description = $"{i}" }))));

        Assert.Single(added, a => a);
    }

    [LabFact]
    public async Task Find_must_round_trip_every_field_and_match_hostnames_exactly()
    {
        var worker = new Worker("w1", "bench board", WorkerState.Online, WorkerHealth.Maintenance, Enabled: false, Revoked: true, Thumbprint('A'),
            DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), JobLimit: 3);
        await _store.TryAddAsync(worker);

        Assert.Equal(worker, await _store.FindAsync("w1"));
        Assert.Null(await _store.FindAsync("W1"));
    }

    [LabFact]
    public async Task List_must_return_every_worker_ordered_by_hostname_ordinally()
    {
        foreach (var hostname in new[] { "w2", "a", "W3", "w10" })
        {
            await _store.TryAddAsync(NewWorker(hostname) with { Health = hostname == "a" ? WorkerHealth.Retired : WorkerHealth.Active });
        }

        Assert.Equal(["W3", "a", "w10", "w2"], (await _store.ListAsync()).Select(w => w.Hostname));
    }

    [LabFact]
    public async Task Update_must_change_only_the_given_fields_and_return_null_for_an_unknown_hostname()
    {
        await _store.TryAddAsync(NewWorker("w1") with { Description = "kept" });

        var revoked = await _store.UpdateAsync("w1", new WorkerChange(Revoked: true, Enabled: false));
        var reissued = await _store.UpdateAsync("w1", new WorkerChange(CertificateThumbprint: Thumbprint('B'), Revoked: false, Health: WorkerHealth.Retired));

        Assert.Equal(NewWorker("w1") with { Description = "kept", Revoked = true, Enabled = false }, revoked);
        Assert.Equal(NewWorker("w1") with { Description = "kept", Enabled = false, CertificateThumbprint = Thumbprint('B'), Health = WorkerHealth.Retired }, reissued);
        Assert.Equal(reissued, await _store.FindAsync("w1"));
        Assert.Null(await _store.UpdateAsync("ghost", new WorkerChange(Description: "x")));
    }

    [LabFact]
    public async Task SetState_must_record_state_and_last_ping_and_return_null_for_an_unknown_hostname()
    {
        await _store.TryAddAsync(NewWorker("w1"));
        var ping = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123);

        var online = await _store.SetStateAsync("w1", WorkerState.Online, ping);
        var offline = await _store.SetStateAsync("w1", WorkerState.Offline, lastPing: null);

        Assert.Equal((WorkerState.Online, ping), (online!.State, online.LastPing));
        Assert.Equal((WorkerState.Offline, ping), (offline!.State, offline.LastPing));
        Assert.Null(await _store.SetStateAsync("ghost", WorkerState.Online, ping));
    }

    [LabFact]
    public async Task Token_store_must_find_a_user_by_token_hash_only()
    {
        var token = ApiTokens.Generate();
        await _store.AddTokenAsync("admin", isSuperuser: true, ApiTokens.Hash(token), "test");

        Assert.Equal(new ApiUser("admin", true, true), await _store.FindByTokenHashAsync(ApiTokens.Hash(token)));
        Assert.Null(await _store.FindByTokenHashAsync(token));
        Assert.Equal(new ApiUser("admin", true, true), await _store.FindUserAsync("admin"));
        Assert.Null(await _store.FindUserAsync("nobody"));
    }

    [LabFact]
    public async Task Token_store_must_keep_an_existing_users_flag_and_ignore_a_hash_added_twice()
    {
        var first = ApiTokens.Hash(ApiTokens.Generate());
        var second = ApiTokens.Hash(ApiTokens.Generate());
        await _store.AddTokenAsync("bob", isSuperuser: false, first, "laptop");
        await _store.AddTokenAsync("bob", isSuperuser: true, second, "ci");
        await _store.AddTokenAsync("bob", isSuperuser: true, first, "again");

        Assert.Equal(new ApiUser("bob", false, true), await _store.FindByTokenHashAsync(second));
        Assert.Equal(new ApiUser("bob", false, true), await _store.FindByTokenHashAsync(first));
    }

    internal static string Thumbprint(char digit) => new(digit, 64);

    internal static Worker NewWorker(string hostname) =>
        new(hostname, "", WorkerState.Offline, WorkerHealth.Active, Enabled: true, Revoked: false, Thumbprint('0'), LastPing: null, JobLimit: 0);

    private static async Task<List<(long, string)>> VersionsAsync(LabDatabase database)
    {
        await using var connection = await database.OpenConnectionAsync();
        var rows = await connection.QueryAsync<(long, string)>("SELECT CAST(version AS BIGINT), description FROM lab_schema_versions ORDER BY version");
        return [.. rows];
    }

    private static async Task<List<string>> AppliedOnAsync(LabDatabase database)
    {
        await using DbConnection connection = await database.OpenConnectionAsync();
        var rows = await connection.QueryAsync<string>("SELECT CAST(applied_on AS TEXT) FROM lab_schema_versions ORDER BY version");
        return [.. rows];
    }
}

public sealed class SqliteLabStoreSpec() : LabStoreSpec(new SqliteTestDatabases())
{
    [LabFact]
    public async Task The_file_must_be_in_wal_mode_with_foreign_keys_enforced()
    {
        await using var connection = await Database.OpenConnectionAsync();

        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("PRAGMA foreign_keys"));
    }
}

[PostgresSpec]
public sealed class PostgreSqlLabStoreSpec() : LabStoreSpec(new PostgresTestDatabases())
{
    [LabFact]
    public async Task An_unreachable_server_must_surface_as_LabStoreUnavailableException_naming_the_database()
    {
        var nowhere = LabDatabase.PostgreSql("Host=127.0.0.1;Port=1;Username=lava;Password=secret;Database=lab;Timeout=5");

        var e = await Assert.ThrowsAsync<LabStoreUnavailableException>(() => LabStore.OpenAsync(nowhere));

        Assert.Contains("PostgreSQL 127.0.0.1:1/lab", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", e.Message, StringComparison.Ordinal);
    }
}
