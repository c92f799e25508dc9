using System.Runtime.Versioning;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Integration.Tests;

/// <summary>Two real master processes sharing one PostgreSQL database: the worker presence singleton moves when its host dies, never doubled.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class MasterSingletonSpec(ITestOutputHelper output)
{
    // Akka names a singleton's lease after its manager: lava-singleton-akka://lava/user/worker-presence.
    private const string LeaseName = "lava-singleton-akka://lava/user/worker-presence";
    private static readonly TimeSpan Deadline = TestCluster.EventDeadline;

    [PostgresFact]
    public async Task Killing_the_singletons_master_must_move_it_to_the_other_master_without_overlap()
    {
        var server = PostgresFactAttribute.ConnectionString
            ?? throw new InvalidOperationException($"{PostgresFactAttribute.ConnectionVariable} is not set");
        var database = "lava_it_" + Guid.NewGuid().ToString("N")[..12];
        await using var admin = NpgsqlDataSource.Create(server);
        await using (var create = admin.CreateCommand($"CREATE DATABASE \"{database}\""))
            await create.ExecuteNonQueryAsync();
        var connection = new NpgsqlConnectionStringBuilder(server) { Database = database, Pooling = false }.ConnectionString;
        try
        {
            await RunAsync(connection);
        }
        finally
        {
            await using var drop = admin.CreateCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
            await drop.ExecuteNonQueryAsync();
        }
    }

    private async Task RunAsync(string connection)
    {
        await using var cluster = new TestCluster();
        var shared = $$"""
            lava.database {
              provider = "postgresql"
              connection-string = "{{connection}}"
            }

            """;
        var a = await cluster.StartMasterAsync("master-a", cluster.WriteConfig("master-a.conf", shared));
        await a.Process.WaitForLineAsync(Deadline, $"Worker presence recorder started on {a.Address}");

        // The second master belongs to the same lab: the same CA, copied before its first start.
        var bDir = Path.Combine(cluster.Dir, "master-b");
        Directory.CreateDirectory(bDir);
        foreach (var file in new[] { "ca.key", "ca.crt" }) File.Copy(Path.Combine(a.DataDir, file), Path.Combine(bDir, file));
        var b = await cluster.StartMasterAsync("master-b", cluster.WriteConfig("master-b.conf", shared + $"lava.cluster.seed-nodes = [\"127.0.0.1:{a.ClusterPort}\"]\n"));
        await a.Process.WaitForLineAsync(Deadline, $"Member {b.Address} (uid", "proved it is Master");
        await a.Process.WaitForLineAsync(Deadline, "Leader is moving node [Up]", b.Address);
        await b.Process.WaitForLineAsync(Deadline, $"Member {a.Address} (uid", "proved it is Master");
        Assert.False(b.Process.HasLine("Worker presence recorder started"), $"only the oldest master runs the singleton:\n{b.Process.Output}");

        await a.Process.KillAsync();
        var died = DateTimeOffset.UtcNow;
        try
        {
            await b.Process.WaitForLineAsync(Deadline * 2, $"Worker presence recorder started on {b.Address}");
        }
        catch (InvalidOperationException) when (b.Process.HasExited)
        {
            // Asserted below, with the reason.
        }

        // Keep-oldest counts only masters; with two, the survivor of a crashed oldest must not down itself.
        Assert.False(b.Process.HasLine("SBR took decision Akka.Cluster.SBR.DownReachable", b.Address),
            $"the split brain resolver downed the surviving master when the oldest of two masters was killed:\n{b.Process.Output}");
        Assert.False(b.Process.HasExited, $"master-b exited with {(b.Process.HasExited ? b.Process.ExitCode : 0)}:\n{b.Process.Output}");

        var holdings = await LeaseHistoryAsync(connection);
        if (holdings is null)
        {
            output.WriteLine("lava_lease_history does not exist: the singleton runs without the PostgreSQL lease; overlap not checked.");
        }
        else
        {
            output.WriteLine($"lava_lease_history: {string.Join("; ", holdings.Select(h => $"{h.Owner} {h.Acquired:O}..{h.Released:O}"))}");
            Assert.True(holdings.Count >= 2, $"expected the holdings of both masters, got {holdings.Count}");
            Assert.Contains($"127.0.0.1:{a.ClusterPort}", holdings[0].Owner, StringComparison.Ordinal);
            Assert.Contains($"127.0.0.1:{b.ClusterPort}", holdings[^1].Owner, StringComparison.Ordinal);
            for (var i = 1; i < holdings.Count; i++)
            {
                var previous = holdings[i - 1];
                Assert.True(previous.Released is { } released && released <= holdings[i].Acquired,
                    $"holding {i - 1} ({previous.Owner}, {previous.Acquired:O} to {previous.Released:O}) overlaps holding {i} ({holdings[i].Owner} from {holdings[i].Acquired:O})");
            }

            Assert.True(holdings[^1].Acquired > died, $"B took the lease at {holdings[^1].Acquired:O}, before A died at {died:O}");
        }

        b.Process.Terminate();
        Assert.True(await b.Process.WaitForExitAsync(Deadline) == 0, $"master-b exited {b.Process.ExitCode} after SIGTERM:\n{b.Process.Output}");
    }

    /// <summary>The singleton lease's holdings in order, or null when the database has no lease history table.</summary>
    private static async Task<List<(string Owner, DateTimeOffset Acquired, DateTimeOffset? Released)>?> LeaseHistoryAsync(string connection)
    {
        await using var data = NpgsqlDataSource.Create(connection);
        await using var find = data.CreateCommand("SELECT table_schema FROM information_schema.tables WHERE table_name = 'lava_lease_history'");
        if (await find.ExecuteScalarAsync() is not string schema) return null;

        await using var query = data.CreateCommand(
            $"SELECT owner, acquired_at, released_at FROM \"{schema}\".lava_lease_history WHERE name = @name ORDER BY acquired_at");
        query.Parameters.AddWithValue("name", LeaseName);
        var holdings = new List<(string, DateTimeOffset, DateTimeOffset?)>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            holdings.Add((reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2)));
        }

        return holdings;
    }
}
