using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Integration.Tests;

/// <summary>
/// A master killed with SIGKILL half-way through a queue of jobs running on simulated devices, and started again on
/// the same data directory: every job ends exactly once (one Scheduled and one Finished event each in the journal),
/// Complete, with every log line of its run stored once.
/// </summary>
public sealed class MasterRecoverySpec(ITestOutputHelper output)
{
    private const int Jobs = 40;

    // The simulated devices write 1 line, then 4 per action, then 1: two actions make 10 lines.
    private const int LinesPerJob = 10;

    private const string Job = """
        device_type: qemu
        job_name: recovery
        visibility: public
        timeouts:
          job:
            minutes: 10
        actions:
        - deploy:
            to: tmpfs
            images:
              kernel:
                url: file:///srv/vmlinuz
        - boot:
            method: qemu
            media: tmpfs

        """;

    [Fact]
    public async Task A_master_killed_half_way_through_a_queue_must_finish_every_job_exactly_once_with_its_whole_log()
    {
        await using var cluster = new TestCluster();
        var master = await cluster.StartMasterAsync();
        LavaProcess? worker = null;
        try
        {
            var lavacli = new Lavacli(cluster.Dir, master.Api, "admin", master.AdminToken);
            var workerConfig = cluster.WriteConfig("worker.conf", "lava.worker.simulated-devices = on\nlava.worker.simulated-step-delay = 150ms\n");
            worker = await cluster.StartWorkerAsync("sim-1", cluster.WriteCredentials(await master.AddWorkerAsync("sim-1")), configPath: workerConfig);
            await master.WaitForWorkerStateAsync("sim-1", "Online");
            await lavacli.RunAsync("device-types", "add", "qemu");
            for (var i = 1; i <= 4; i++)
            {
                await lavacli.RunAsync("devices", "add", "--type", "qemu", "--worker", "sim-1", $"qemu0{i}");
                var dictionary = Path.Combine(cluster.Dir, $"qemu0{i}.jinja2");
                await File.WriteAllTextAsync(dictionary, "{% extends 'qemu.jinja2' %}\n");
                await lavacli.RunAsync("devices", "dict", "set", $"qemu0{i}", dictionary);
                await lavacli.RunAsync("devices", "update", "--health", "GOOD", $"qemu0{i}");
            }

            var ids = new List<long>();
            using (var client = master.Client())
            {
                for (var i = 0; i < Jobs; i++)
                {
                    using var response = await client.PostAsJsonAsync("api/v0.2/jobs/", new { definition = Job });
                    var body = await response.Content.ReadFromJsonAsync<JsonElement>();
                    Assert.True(response.IsSuccessStatusCode, body.ToString());
                    ids.Add(body.GetProperty("job_ids")[0].GetInt64());
                }
                await WaitForFinishedAsync(client, Jobs / 4);
            }

            await master.Process.KillAsync();
            master = await cluster.StartMasterAsync(bindPort: master.ClusterPort);

            using (var client = master.Client())
            {
                await WaitForFinishedAsync(client, Jobs);
                foreach (var id in ids)
                {
                    var job = await client.GetFromJsonAsync<JsonElement>($"api/v0.2/jobs/{id}/");
                    Assert.True(job.GetProperty("health").GetString() == "Complete", $"job {id}: {job}");
                    var log = await client.GetStringAsync($"api/v0.2/jobs/{id}/logs/");
                    Assert.Equal(LinesPerJob, log.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
                }
            }

            var events = JournalEvents(Path.Combine(master.DataDir, "lava.db"));
            foreach (var id in ids)
            {
                Assert.Equal(1, events.GetValueOrDefault(($"job-{id}", "lava.job.scheduled.v1")));
                Assert.Equal(1, events.GetValueOrDefault(($"job-{id}", "lava.job.finished.v1")));
            }
        }
        finally
        {
            output.WriteLine(master.Process.Output);
            output.WriteLine(worker?.Output ?? "");
        }
    }

    private static async Task WaitForFinishedAsync(HttpClient client, int count)
    {
        var deadline = DateTime.UtcNow + LavaProcesses.Dilated(TimeSpan.FromSeconds(120));
        long finished;
        while ((finished = await FinishedAsync(client)) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{finished} jobs finished, not {count}");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private static async Task<long> FinishedAsync(HttpClient client)
    {
        try
        {
            return (await client.GetFromJsonAsync<JsonElement>("api/v0.2/jobs/?state=Finished&limit=1")).GetProperty("count").GetInt64();
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    /// <summary>How many events of each manifest each persistence id has in the master's SQLite journal.</summary>
    private static Dictionary<(string, string), long> JournalEvents(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT persistence_id, manifest, COUNT(*) FROM event_journal GROUP BY persistence_id, manifest";
        using var reader = command.ExecuteReader();
        var counts = new Dictionary<(string, string), long>();
        while (reader.Read())
        {
            counts[(reader.GetString(0), reader.GetString(1))] = reader.GetInt64(2);
        }
        return counts;
    }
}
