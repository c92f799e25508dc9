using Lava.Kernel.Configuration;
using Lava.Kernel.TestKit;
using Lava.Kernel.Tests.Persistence;
using Npgsql;
using Xunit;

namespace Lava.Kernel.Tests.Coordination;

public sealed class PostgreSqlLeaseSpec(PostgresSchemaFixture schema) : IClassFixture<PostgresSchemaFixture>
{
    private static readonly TestKitSettings Timing = TestKitSettings.From(Config.Empty);

    [PostgresFact]
    public async Task PostgreSqlLease_must_acquire_renew_and_release()
    {
        var name = LeaseName();
        await using var lease = NewLease(name, "a");

        Assert.True(await lease.AcquireAsync(_ => { }));
        Assert.True(lease.CheckLease());
        var first = await RowAsync(name);
        Assert.Equal("a", first?.Owner);

        // Renewal moves the expiry on while the acquisition time stays.
        await AwaitAsync(async () => (await RowAsync(name))?.RenewedAt > first!.RenewedAt, "the holder never renewed");
        var renewed = await RowAsync(name);
        Assert.Equal(first!.AcquiredAt, renewed!.AcquiredAt);
        Assert.True(renewed.ExpiresAt > first.ExpiresAt);
        Assert.True(lease.CheckLease());

        Assert.True(await lease.ReleaseAsync());
        Assert.False(lease.CheckLease());
        Assert.Null(await RowAsync(name));
        var interval = Assert.Single(await HistoryAsync(name));
        Assert.Equal(("a", "released"), (interval.Owner, interval.ReleaseReason));
        Assert.NotNull(interval.ReleasedAt);
        Assert.False(await lease.ReleaseAsync());
    }

    [PostgresFact]
    public async Task PostgreSqlLease_must_refuse_a_second_owner_while_held_and_admit_it_right_after_release()
    {
        var name = LeaseName();
        await using var a = NewLease(name, "a");
        await using var b = NewLease(name, "b");

        Assert.True(await a.AcquireAsync(_ => { }));
        Assert.False(await b.AcquireAsync(_ => { }));
        Assert.False(b.CheckLease());
        Assert.False(await b.ReleaseAsync());
        Assert.True(a.CheckLease());

        Assert.True(await a.ReleaseAsync());
        Assert.True(await b.AcquireAsync(_ => { }));
        Assert.Equal("b", (await RowAsync(name))?.Owner);
        Assert.False(await a.AcquireAsync(_ => { }));
    }

    [PostgresFact]
    public async Task PostgreSqlLease_must_let_another_owner_take_it_only_after_a_holder_that_stopped_renewing_expired()
    {
        var name = LeaseName();
        var b = NewLease(name, "b");
        await using (b)
        {
            await using (var a = NewLease(name, "a"))
            {
                Assert.True(await a.AcquireAsync(_ => { }));
            }

            // The holder is gone without releasing, as a killed process: the row stays until it expires.
            var abandoned = await RowAsync(name);
            Assert.Equal("a", abandoned?.Owner);
            Assert.False(await b.AcquireAsync(_ => { }));
            await AwaitAsync(() => b.AcquireAsync(_ => { }), "the second owner never took the expired lease", Timing.Dilated(TimeSpan.FromSeconds(30)));

            var history = await HistoryAsync(name);
            Assert.Equal(["a", "b"], history.Select(h => h.Owner));
            Assert.Equal((abandoned!.ExpiresAt, "expired"), (history[0].ReleasedAt, history[0].ReleaseReason));
            Assert.True(history[1].AcquiredAt >= abandoned.ExpiresAt, "taken before the old row expired");
            Assert.Null(history[1].ReleasedAt);
        }
    }

    [PostgresFact]
    public async Task PostgreSqlLease_history_must_never_overlap_for_one_name_across_contended_cycles()
    {
        var name = LeaseName();
        var leases = new[] { NewLease(name, "a"), NewLease(name, "b"), NewLease(name, "c") };
        try
        {
            var held = 0;
            var overlaps = 0;
            async Task CycleAsync(PostgreSqlLease lease)
            {
                var acquired = 0;
                for (var attempt = 0; acquired < 8 && attempt < 2000; attempt++)
                {
                    if (!await lease.AcquireAsync(_ => { }))
                    {
                        await Task.Yield();
                        continue;
                    }
                    acquired++;
                    if (Interlocked.Increment(ref held) > 1)
                    {
                        Interlocked.Increment(ref overlaps);
                    }
                    await Task.Delay(5);
                    Interlocked.Decrement(ref held);
                    Assert.True(await lease.ReleaseAsync());
                }
                Assert.Equal(8, acquired);
            }
            await Task.WhenAll(leases.Select(l => Task.Run(() => CycleAsync(l))));

            Assert.Equal(0, overlaps);
            var history = await HistoryAsync(name);
            Assert.Equal(24, history.Count);
            Assert.Equal(3, history.Select(h => h.Owner).Distinct().Count());
            Assert.All(history, h => Assert.Equal("released", h.ReleaseReason));
            for (var i = 1; i < history.Count; i++)
            {
                Assert.True(history[i - 1].ReleasedAt <= history[i].AcquiredAt,
                    $"interval {i - 1} of {history[i - 1].Owner} ends at {history[i - 1].ReleasedAt:O} after {history[i].Owner} took it at {history[i].AcquiredAt:O}");
            }
        }
        finally
        {
            foreach (var lease in leases)
            {
                await lease.DisposeAsync();
            }
        }
    }

    [PostgresFact]
    public async Task PostgreSqlLease_must_report_lost_when_another_owner_took_its_row()
    {
        var name = LeaseName();
        await using var lease = NewLease(name, "a");
        var lost = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        Assert.True(await lease.AcquireAsync(e => lost.TrySetResult(e)));

        await PostgresTestEnvironment.ExecuteAsync($"UPDATE \"{schema.SchemaName}\".lava_lease SET owner = 'intruder' WHERE name = '{name}'");

        var reason = await lost.Task.WaitAsync(Timing.Dilated(TimeSpan.FromSeconds(15)));
        Assert.False(lease.CheckLease());
        Assert.Contains("taken", Assert.IsType<LeaseLostException>(reason).Message, StringComparison.Ordinal);
        Assert.False(await lease.ReleaseAsync());
        Assert.Equal("intruder", (await RowAsync(name))?.Owner);
    }

    [PostgresFact]
    public async Task PostgreSqlLease_must_report_lost_before_expiry_when_its_connections_are_broken()
    {
        var name = LeaseName();
        var role = $"lava_lease_{Guid.NewGuid():N}"[..24];
        await using var other = NewLease(name, "other");
        Assert.False(await other.ReleaseAsync());
        await PostgresTestEnvironment.ExecuteAsync($"""
            CREATE ROLE {role} LOGIN; GRANT USAGE ON SCHEMA "{schema.SchemaName}" TO {role};
            GRANT ALL ON ALL TABLES IN SCHEMA "{schema.SchemaName}" TO {role}; GRANT ALL ON ALL SEQUENCES IN SCHEMA "{schema.SchemaName}" TO {role}
            """);
        try
        {
            var connection = new NpgsqlConnectionStringBuilder(PostgresTestEnvironment.RequireConnectionString()) { Username = role }.ConnectionString;
            await using var holder = NewLease(name, "holder", connection);
            var lost = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
            Assert.True(await holder.AcquireAsync(e => lost.TrySetResult(e)));

            // Every session of the holder is killed and it cannot open new ones: it cannot renew any more.
            await PostgresTestEnvironment.ExecuteAsync($"ALTER ROLE {role} NOLOGIN; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '{role}'");

            var reason = await lost.Task.WaitAsync(Timing.Dilated(TimeSpan.FromSeconds(30)));
            Assert.False(holder.CheckLease());
            Assert.IsType<LeaseLostException>(reason);
            var row = await RowAsync(name);
            Assert.Equal("holder", row?.Owner);
            Assert.True(await ServerNowAsync() < row!.ExpiresAt, "the holder reported the loss only after its row had expired");
            Assert.False(await other.AcquireAsync(_ => { }));
            await AwaitAsync(() => other.AcquireAsync(_ => { }), "the other owner never took the expired lease", Timing.Dilated(TimeSpan.FromSeconds(30)));
        }
        finally
        {
            await PostgresTestEnvironment.ExecuteAsync($"DROP OWNED BY {role}; DROP ROLE {role}");
        }
    }

    [Fact]
    public void PostgreSqlLeaseSettings_defaults_must_match_the_reference_configuration()
    {
        var config = ConfigFactory.ParseString("lava.coordination.lease.postgresql.connection-string = \"Host=db\"")
            .WithFallback(ConfigFactory.Reference()).Resolve();

        Assert.Equal(new PostgreSqlLeaseSettings("Host=db"), PostgreSqlLeaseSettings.Create(config));
    }

    [Fact]
    public void PostgreSqlLeaseSettings_must_read_overrides()
    {
        var settings = PostgreSqlLeaseSettings.Create(ConfigFactory.ParseString("""
            lava.coordination.lease.postgresql { connection-string = "Host=db", schema-name = coordination,
              heartbeat-timeout = 20s, heartbeat-interval = 500ms, safety-margin = 5s }
            """));

        Assert.Equal(
            new PostgreSqlLeaseSettings("Host=db")
            {
                SchemaName = "coordination", HeartbeatTimeout = TimeSpan.FromSeconds(20),
                HeartbeatInterval = TimeSpan.FromMilliseconds(500), SafetyMargin = TimeSpan.FromSeconds(5),
            },
            settings);
    }

    [Theory]
    [InlineData("heartbeat-timeout = 12s", "connection-string")]
    [InlineData("connection-string = \"Host=db\", heartbeat-timeout = 4s", "heartbeat-timeout")]
    [InlineData("connection-string = \"Host=db\", heartbeat-interval = 0s", "heartbeat-interval")]
    [InlineData("connection-string = \"Host=db\", safety-margin = -1s", "safety-margin")]
    [InlineData("connection-string = \"Host=db\", heartbeat-interval = soon", "heartbeat-interval")]
    public void PostgreSqlLeaseSettings_must_refuse_bad_values_naming_the_key(string values, string key)
    {
        var config = ConfigFactory.ParseString($"lava.coordination.lease.postgresql {{ {values} }}").WithFallback(ConfigFactory.Reference()).Resolve();

        var error = Assert.Throws<ConfigException>(() => PostgreSqlLeaseSettings.Create(config));
        Assert.Contains($"lava.coordination.lease.postgresql.{key}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSqlLease_must_refuse_settings_that_cannot_work() =>
        Assert.Throws<ConfigException>(() => new PostgreSqlLease("n", "o", new PostgreSqlLeaseSettings("Host=db") { HeartbeatTimeout = TimeSpan.FromSeconds(1) }));

    private PostgreSqlLease NewLease(string name, string owner, string? connectionString = null) =>
        new(name, owner, LeaseTestSettings.For(connectionString ?? PostgresTestEnvironment.RequireConnectionString(), schema.SchemaName));

    private static string LeaseName() => $"lease-{Guid.NewGuid():N}";

    private async Task<LeaseRow?> RowAsync(string name)
    {
        await using var connection = await PostgresTestEnvironment.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT owner, acquired_at, renewed_at, expires_at FROM \"{schema.SchemaName}\".lava_lease WHERE name = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new LeaseRow(reader.GetString(0), reader.GetDateTime(1), reader.GetDateTime(2), reader.GetDateTime(3))
            : null;
    }

    private async Task<List<HistoryRow>> HistoryAsync(string name)
    {
        await using var connection = await PostgresTestEnvironment.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT owner, acquired_at, released_at, release_reason FROM \"{schema.SchemaName}\".lava_lease_history WHERE name = $1 ORDER BY acquired_at", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<HistoryRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new HistoryRow(reader.GetString(0), reader.GetDateTime(1),
                reader.IsDBNull(2) ? null : reader.GetDateTime(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }
        return rows;
    }

    private static async Task<DateTime> ServerNowAsync()
    {
        await using var connection = await PostgresTestEnvironment.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT clock_timestamp()", connection);
        return (DateTime)(await command.ExecuteScalarAsync())!;
    }

    private static async Task AwaitAsync(Func<Task<bool>> condition, string failure, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? Timing.Dilated(TimeSpan.FromSeconds(15)));
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(50);
        }
    }

    private sealed record LeaseRow(string Owner, DateTime AcquiredAt, DateTime RenewedAt, DateTime ExpiresAt);

    private sealed record HistoryRow(string Owner, DateTime AcquiredAt, DateTime? ReleasedAt, string? ReleaseReason);
}

/// <summary>Short lease timings for tests, stretched by the test time factor.</summary>
internal static class LeaseTestSettings
{
    public static PostgreSqlLeaseSettings For(string connectionString, string schemaName)
    {
        var timing = TestKitSettings.From(Config.Empty);
        return new PostgreSqlLeaseSettings(connectionString)
        {
            SchemaName = schemaName,
            HeartbeatTimeout = timing.Dilated(TimeSpan.FromSeconds(4)),
            HeartbeatInterval = timing.Dilated(TimeSpan.FromMilliseconds(300)),
            SafetyMargin = timing.Dilated(TimeSpan.FromSeconds(1.5)),
        };
    }
}
