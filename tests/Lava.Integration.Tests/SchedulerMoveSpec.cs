using System.Net.Http.Json;
using System.Runtime.Versioning;
using System.Text.Json;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Integration.Tests;

/// <summary>
/// Two masters on one PostgreSQL database and a worker with simulated devices: SIGKILL of the master hosting the
/// scheduler singleton moves the scheduler and the job supervisors to the other master; every job still ends exactly
/// once and no device ever holds two jobs at once (checked on the journal's Scheduled and Finished events). The worker
/// leads the survivors, so the split brain decision after the kill is the worker's.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class SchedulerMoveSpec(ITestOutputHelper output)
{
    private const int Jobs = 30;
    private static readonly TimeSpan Deadline = TestCluster.EventDeadline;

    private const string Job = """
        device_type: qemu
        job_name: move
        visibility: public
        timeouts:
          job:
            minutes: 10
        actions:
        - boot:
            method: qemu
            media: tmpfs

        """;

    [PostgresFact]
    public async Task Killing_the_schedulers_master_must_move_it_without_booking_a_device_twice()
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
            NpgsqlConnection.ClearAllPools();
            await using var drop = admin.CreateCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");
            await drop.ExecuteNonQueryAsync();
        }
    }

    private async Task RunAsync(string connection)
    {
        await using var cluster = new TestCluster();
        // A loaded test machine makes the first shard allocations between two masters slow. The killed master's lease
        // must expire before the survivor's split brain resolver, with this test's short stable-after, asks for it.
        var shared = $$"""
            lava.http.request-timeout = 30s
            lava.coordination.lease.postgresql {
              heartbeat-timeout = 6s
              heartbeat-interval = 1s
              safety-margin = 2s
            }
            lava.database {
              provider = "postgresql"
              connection-string = "{{connection}}"
            }

            """;
        var a = await cluster.StartMasterAsync("master-a", cluster.WriteConfig("master-a.conf", shared));
        var bDir = Path.Combine(cluster.Dir, "master-b");
        Directory.CreateDirectory(bDir);
        foreach (var file in new[] { "ca.key", "ca.crt" }) File.Copy(Path.Combine(a.DataDir, file), Path.Combine(bDir, file));
        LavaProcess? worker = null;
        var b = await cluster.StartMasterAsync("master-b", cluster.WriteConfig("master-b.conf", shared + $"lava.cluster.seed-nodes = [\"127.0.0.1:{a.ClusterPort}\"]\n"));
        try
        {
            await a.Process.WaitForLineAsync(Deadline, "Leader is moving node [Up]", b.Address);
            var lavacli = new Lavacli(cluster.Dir, a.Api, "admin", a.AdminToken);
            // The worker's address is the lowest, so it leads the survivors and its split brain resolver decides:
            // it must decide as the masters would (take their lease through master b), not down b and itself.
            var workerConfig = cluster.WriteConfig("worker.conf", $"""
                lava.worker.simulated-devices = on
                lava.worker.simulated-step-delay = 100ms
                lava.worker.endpoint = "127.0.0.1:{LavaProcesses.FreeLoopbackPortBelowEphemeral()}"

                """);
            worker = await cluster.StartWorkerAsync("sim-1", cluster.WriteCredentials(await a.AddWorkerAsync("sim-1")), configPath: workerConfig);
            await a.WaitForWorkerStateAsync("sim-1", "Online");
            await lavacli.RunAsync("device-types", "add", "qemu");
            for (var i = 1; i <= 3; i++)
            {
                await lavacli.RunAsync("devices", "add", "--type", "qemu", "--worker", "sim-1", $"qemu0{i}");
                var dictionary = Path.Combine(cluster.Dir, $"qemu0{i}.jinja2");
                await File.WriteAllTextAsync(dictionary, "{% extends 'qemu.jinja2' %}\n");
                await lavacli.RunAsync("devices", "dict", "set", $"qemu0{i}", dictionary);
                await lavacli.RunAsync("devices", "update", "--health", "GOOD", $"qemu0{i}");
            }

            using (var client = a.Client())
            {
                var accepted = 0;
                var deadline = DateTime.UtcNow + LavaProcesses.Dilated(TimeSpan.FromSeconds(120));
                while (accepted < Jobs)
                {
                    using var response = await client.PostAsJsonAsync("api/v0.2/jobs/", new { definition = Job });
                    var body = await response.Content.ReadAsStringAsync();
                    // 503 is the master's clear answer while the shards settle: try again.
                    Assert.True(response.IsSuccessStatusCode || response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable, body);
                    Assert.True(DateTime.UtcNow < deadline, $"only {accepted} submissions accepted: {body}");
                    if (response.IsSuccessStatusCode) accepted++;
                }
                await WaitForFinishedAsync(client, Jobs / 4);
            }

            await a.Process.KillAsync();
            // Master b shares a's database, and so its admin token.
            using (var client = new HttpClient { BaseAddress = b.Api })
            {
                client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Token", a.AdminToken);
                await WaitForFinishedAsync(client, Jobs, all: true);
            }

            var bookings = await BookingsAsync(connection);
            // A submission answered 503 may still have been journaled: it then ran like the others.
            Assert.True(bookings.Count >= Jobs, $"{bookings.Count} jobs ran, not {Jobs}");
            foreach (var device in bookings.GroupBy(x => x.Device))
            {
                var ordered = device.OrderBy(x => x.Scheduled).ToList();
                for (var i = 1; i < ordered.Count; i++)
                {
                    Assert.True(ordered[i - 1].Finished <= ordered[i].Scheduled,
                        $"{device.Key} held job {ordered[i - 1].Job} until {ordered[i - 1].Finished:O} and job {ordered[i].Job} from {ordered[i].Scheduled:O}");
                }
            }
        }
        finally
        {
            output.WriteLine(a.Process.Output);
            output.WriteLine(b.Process.Output);
            if (worker is not null) output.WriteLine(worker.Output);
        }
    }

    /// <summary>Waits until at least <paramref name="count"/> jobs finished and, with <paramref name="all"/>, every job did.</summary>
    private static async Task WaitForFinishedAsync(HttpClient client, int count, bool all = false)
    {
        var deadline = DateTime.UtcNow + LavaProcesses.Dilated(TimeSpan.FromSeconds(120));
        long finished = 0, total = 0;
        while (finished < count || (all && finished < total))
        {
            Assert.True(DateTime.UtcNow < deadline, $"{finished} of {total} jobs finished, not {count}");
            try
            {
                finished = (await client.GetFromJsonAsync<JsonElement>("api/v0.2/jobs/?state=Finished&limit=1")).GetProperty("count").GetInt64();
                total = (await client.GetFromJsonAsync<JsonElement>("api/v0.2/jobs/?limit=1")).GetProperty("count").GetInt64();
            }
            catch (HttpRequestException)
            {
                // The gateway is between two answers; ask again.
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>Each job's one Scheduled and one Finished event from the journal: its device and the time it held it.</summary>
    private static async Task<List<(long Job, string Device, DateTimeOffset Scheduled, DateTimeOffset Finished)>> BookingsAsync(string connection)
    {
        await using var data = NpgsqlDataSource.Create(connection);
        await using var query = data.CreateCommand(
            "SELECT persistence_id, manifest, convert_from(payload, 'UTF8') FROM event_journal " +
            "WHERE manifest IN ('lava.job.scheduled.v1', 'lava.job.finished.v1') ORDER BY ordering");
        var scheduled = new Dictionary<string, List<(string Device, DateTimeOffset At)>>();
        var finished = new Dictionary<string, List<DateTimeOffset>>();
        await using (var reader = await query.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var payload = JsonDocument.Parse(reader.GetString(2)).RootElement;
                var at = payload.GetProperty("at").GetDateTimeOffset();
                if (reader.GetString(1) == "lava.job.scheduled.v1")
                    (scheduled.TryGetValue(reader.GetString(0), out var s) ? s : scheduled[reader.GetString(0)] = []).Add((payload.GetProperty("device").GetString()!, at));
                else
                    (finished.TryGetValue(reader.GetString(0), out var f) ? f : finished[reader.GetString(0)] = []).Add(at);
            }
        }
        return scheduled.Select(s =>
        {
            Assert.True(s.Value.Count == 1, $"{s.Key} was scheduled {s.Value.Count} times");
            Assert.True(finished.TryGetValue(s.Key, out var ends) && ends.Count == 1, $"{s.Key} finished {finished.GetValueOrDefault(s.Key)?.Count ?? 0} times");
            return (long.Parse(s.Key["job-".Length..], System.Globalization.CultureInfo.InvariantCulture), s.Value[0].Device, s.Value[0].At, ends![0]);
        }).ToList();
    }
}
