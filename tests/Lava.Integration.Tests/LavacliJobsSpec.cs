using System.Net.Http.Json;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Integration.Tests;

/// <summary>
/// LAVA's own client, lavacli, against a master and a worker with simulated devices (real processes): it sets the
/// lab up, submits jobs, follows a running job's log to its end, shows, lists, cancels them and reads their results,
/// each call exiting 0 and printing what it prints against LAVA.
/// </summary>
public sealed class LavacliJobsSpec(ITestOutputHelper output)
{
    private const string Job = """
        device_type: qemu
        job_name: lavacli smoke
        priority: medium
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
        - test:
            definitions:
            - from: inline
              name: smoke
              path: inline/smoke.yaml
              repository:
                metadata:
                  format: Lava-Test Test Definition 1.0
                  name: smoke
                run:
                  steps:
                  - lava-test-case pass --shell true

        """;

    [Fact]
    public async Task Lavacli_must_set_up_the_lab_submit_follow_show_list_cancel_and_read_results()
    {
        await using var cluster = new TestCluster();
        var master = await cluster.StartMasterAsync();
        var lavacli = new Lavacli(cluster.Dir, master.Api, "admin", master.AdminToken);
        try
        {
            Assert.Contains(".", await lavacli.RunAsync("system", "version"));

            await lavacli.RunAsync("workers", "add", "sim-2", "--description", "a second worker");
            Assert.Contains("sim-2", await lavacli.RunAsync("workers", "list"));
            Assert.Contains("a second worker", await lavacli.RunAsync("workers", "show", "sim-2"));

            var workerConfig = cluster.WriteConfig("worker.conf", "lava.worker.simulated-devices = on\nlava.worker.simulated-step-delay = 100ms\n");
            await cluster.StartWorkerAsync("sim-1", cluster.WriteCredentials(await master.AddWorkerAsync("sim-1")), configPath: workerConfig);
            await master.WaitForWorkerStateAsync("sim-1", "Online");

            await lavacli.RunAsync("device-types", "add", "qemu");
            Assert.Contains("qemu", await lavacli.RunAsync("device-types", "list"));
            await lavacli.RunAsync("devices", "add", "--type", "qemu", "--worker", "sim-1", "qemu01");
            var dictionary = Path.Combine(cluster.Dir, "qemu01.jinja2");
            await File.WriteAllTextAsync(dictionary, "{% extends 'qemu.jinja2' %}\n{% set mac_addr = '52:54:00:12:34:59' %}\n{% set memory = 1024 %}\n");
            await lavacli.RunAsync("devices", "dict", "set", "qemu01", dictionary);
            await lavacli.RunAsync("devices", "update", "--health", "GOOD", "qemu01");
            Assert.Contains("qemu01", await lavacli.RunAsync("devices", "list"));
            Assert.Contains("Good", await lavacli.RunAsync("devices", "show", "qemu01"));

            var jobFile = Path.Combine(cluster.Dir, "job.yaml");
            await File.WriteAllTextAsync(jobFile, Job);
            var id = (await lavacli.RunAsync("jobs", "submit", jobFile)).Trim();
            Assert.Matches("^[0-9]+$", id);

            // Follows the running job to its end, as lavacli does by default.
            var log = await lavacli.RunAsync("jobs", "logs", "--polling", "1", id);
            Assert.Contains("simulated boot-simulated on qemu01", log);
            Assert.Contains("Job finished: pass", log);

            var show = await lavacli.RunAsync("jobs", "show", id);
            Assert.Contains("state       : Finished", show);
            Assert.Contains("Health      : Complete", show);
            Assert.Contains("device      : qemu01", show);
            Assert.Contains($"* {id}: Finished,Complete [admin] (lavacli smoke) - qemu", await lavacli.RunAsync("jobs", "list"));
            // lavacli prints the text as it was submitted, and a newline.
            Assert.Equal(Job + "\n", await lavacli.RunAsync("jobs", "definition", id));
            var results = await lavacli.RunAsync("results", id);
            Assert.Contains("lava.boot-simulated [pass]", results);
            Assert.Contains("lava.job [pass]", results);

            // A long job, canceled while it runs: it ends Canceled.
            var longJob = Job.Replace("- test:", string.Concat(Enumerable.Repeat("- command:\n    name: wait\n", 60)) + "- test:", StringComparison.Ordinal);
            var longFile = Path.Combine(cluster.Dir, "long.yaml");
            await File.WriteAllTextAsync(longFile, longJob);
            var longId = (await lavacli.RunAsync("jobs", "submit", longFile)).Trim();
            await WaitForStateAsync(master, longId, "Running");
            Assert.Equal("", (await lavacli.RunAsync("jobs", "cancel", longId)).Trim());
            await lavacli.RunAsync("jobs", "wait", "--polling", "1", longId);
            Assert.Contains("Health      : Canceled", await lavacli.RunAsync("jobs", "show", longId));

            // lavacli exits 0 when the master refuses a submission: it prints the fault.
            var refusedFile = Path.Combine(cluster.Dir, "refused.yaml");
            await File.WriteAllTextAsync(refusedFile, Job.Replace("visibility: public\n", "", StringComparison.Ordinal));
            var refused = await lavacli.RunAsync("jobs", "submit", refusedFile);
            Assert.Contains("Unable to submit", refused);
            Assert.Contains("required key not provided @ data['visibility']", refused);
        }
        finally
        {
            output.WriteLine(master.Process.Output);
        }
    }

    /// <summary>Polls the REST API until the job reaches <paramref name="state"/>.</summary>
    private static async Task WaitForStateAsync(MasterNode master, string id, string state)
    {
        using var client = master.Client();
        var deadline = DateTime.UtcNow + LavaProcesses.Dilated(TestCluster.EventDeadline);
        string? current;
        while ((current = (await client.GetFromJsonAsync<JsonElement>($"api/v0.2/jobs/{id}/")).GetProperty("state").GetString()) != state)
        {
            Assert.True(DateTime.UtcNow < deadline, $"job {id} is {current}, not {state}");
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
