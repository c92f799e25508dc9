using System.Globalization;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using Npgsql;
using Xunit;

namespace Lava.Integration.Tests;

/// <summary>Two real master processes sharing one PostgreSQL: the worker presence singleton moves when its host dies, never doubled.</summary>
[UnsupportedOSPlatform("windows")]
public sealed partial class MasterSingletonSpec
{
    private const string Secret = "test-master-secret";
    private const string LeaseName = "lava-worker-presence";
    private static readonly TimeSpan Deadline = TestCluster.EventDeadline;

    [PostgresFact]
    public async Task Killing_the_singletons_master_must_move_it_to_the_other_master_without_overlap()
    {
        var connection = PostgresFactAttribute.ConnectionString
            ?? throw new InvalidOperationException($"{PostgresFactAttribute.ConnectionVariable} is not set");
        var schema = "lease_" + Guid.NewGuid().ToString("N")[..12];
        await using var cluster = new TestCluster();
        var lease = $$"""
            lava.coordination.lease.postgresql {
              connection-string = "{{connection}}"
              schema-name = "{{schema}}"
              heartbeat-timeout = 4s
              heartbeat-interval = 500ms
              safety-margin = 1500ms
            }
            akka.cluster.singleton.stop-timeout = 1s
            lava.cluster.master-secret = "{{Secret}}"
            """;
        var firstConfig = Path.Combine(cluster.Dir, "first.conf");
        File.WriteAllText(firstConfig, TestCluster.ShortTimings + lease);
        var first = await cluster.StartMasterAsync("master-a", firstConfig);
        var firstStart = await first.Process.WaitForLineAsync(Deadline, "Worker presence recorder started on");

        var secondConfig = Path.Combine(cluster.Dir, "second.conf");
        File.WriteAllText(secondConfig, TestCluster.ShortTimings + lease + $$"""

            lava.cluster.seed-nodes = ["127.0.0.1:{{first.ClusterPort}}"]
            lava.cluster.seed-fingerprint = "{{await first.FingerprintAsync()}}"
            """);
        var second = await cluster.StartMasterAsync("master-b", secondConfig);
        await second.Process.WaitForLineAsync(Deadline, "Joined the cluster through the master at");
        await first.Process.WaitForLineAsync(Deadline, $"Member lava://lava@127.0.0.1:{second.ClusterPort} is Up");
        Assert.False(second.Process.HasLine("Worker presence recorder started"), $"only the oldest master runs the singleton:\n{second.Process.Output}");

        await first.Process.KillAsync();
        var died = DateTimeOffset.UtcNow;
        var secondStart = await second.Process.WaitForLineAsync(Deadline * 2, "Worker presence recorder started on");

        Assert.True(StartedAt(secondStart) > died, $"the new singleton started at {StartedAt(secondStart):O}, before its old host died at {died:O}");
        Assert.True(StartedAt(firstStart) < died);

        // The lease's own record: one holding interval per owner, the second after the first ended.
        await using var data = NpgsqlDataSource.Create(connection);
        await using var query = data.CreateCommand(
            $"SELECT owner, acquired_at, released_at FROM \"{schema}\".lava_lease_history WHERE name = @name ORDER BY acquired_at");
        query.Parameters.AddWithValue("name", LeaseName);
        var intervals = new List<(string Owner, DateTime Acquired, DateTime? Released)>();
        await using (var reader = await query.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                intervals.Add((reader.GetString(0), reader.GetDateTime(1), reader.IsDBNull(2) ? null : reader.GetDateTime(2)));
        }
        Assert.True(intervals.Count >= 2, $"expected the holdings of both masters, got {intervals.Count}");
        Assert.Contains($"127.0.0.1:{first.ClusterPort}", intervals[0].Owner, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{second.ClusterPort}", intervals[^1].Owner, StringComparison.Ordinal);
        for (var i = 1; i < intervals.Count; i++)
        {
            var previous = intervals[i - 1];
            Assert.True(previous.Released is { } released && released <= intervals[i].Acquired,
                $"holding {i - 1} ({previous.Owner}, {previous.Acquired:O} to {previous.Released:O}) overlaps holding {i} ({intervals[i].Owner} from {intervals[i].Acquired:O})");
        }

        second.Process.Terminate();
        Assert.Equal(0, await second.Process.WaitForExitAsync(Deadline));
        await second.Process.WaitForLineAsync(Deadline, "Worker presence recorder stopped on");
        await using var drop = data.CreateCommand($"DROP SCHEMA \"{schema}\" CASCADE");
        await drop.ExecuteNonQueryAsync();
    }

    private static DateTimeOffset StartedAt(string line) =>
        DateTimeOffset.Parse(TimestampPattern().Match(line).Groups[1].Value, CultureInfo.InvariantCulture);

    [GeneratedRegex(@" at (\d{4}-\d\d-\d\dT[0-9:.]+[+-]\d\d:\d\d)")]
    private static partial Regex TimestampPattern();
}
