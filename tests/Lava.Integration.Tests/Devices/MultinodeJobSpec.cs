using Lava.Devices.BoardSimulator;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Integration.Tests.Devices;

/// <summary>
/// A two-node MultiNode job on two simulated boards: the server role sends a message with data, the client waits for
/// it and checks the data, both then meet at a sync; the supervisors of the group serve the calls through the cluster.
/// lavacli follows the server's log while it runs.
/// </summary>
public sealed class MultinodeJobSpec(ITestOutputHelper output)
{
    private const string Job = """
        job_name: multinode on simulated boards
        priority: medium
        visibility: public
        timeouts:
          job: {minutes: 5}
          action: {minutes: 3}
        protocols:
          lava-multinode:
            roles:
              server:
                device_type: lava-sim
                count: 1
                tags: [sim-mn-1]
              client:
                device_type: lava-sim
                count: 1
                tags: [sim-mn-2]
            timeout: {minutes: 3}
        actions:
        - boot:
            role: [server, client]
            method: u-boot
            commands: ramdisk
            auto_login: {login_prompt: 'login:', username: root}
            prompts: ['root@sim-mn-[12]:~# ']
        - test:
            role: [server]
            definitions:
            - from: inline
              name: serve
              path: inline/serve.yaml
              repository:
                metadata: {format: Lava-Test Test Definition 1.0, name: serve, description: sends its address}
                run:
                  steps:
                  - lava-test-case role --shell test "$(lava-role)" = server
                  - lava-send ready address=10.0.0.1 port=8080
                  - lava-sync done
                  - lava-test-case synced --result pass
        - test:
            role: [client]
            definitions:
            - from: inline
              name: use
              path: inline/use.yaml
              repository:
                metadata: {format: Lava-Test Test Definition 1.0, name: use, description: waits for the address}
                run:
                  steps:
                  - lava-wait ready
                  - lava-test-case got-address --shell grep -q address=10.0.0.1 "${LAVA_MULTI_NODE_CACHE:-/tmp/lava_multi_node_cache.txt}"
                  - lava-test-case group --shell test "$(lava-group | wc -l)" -eq 2
                  - lava-sync done
                  - lava-test-case synced --result pass

        """;

    [Fact]
    public async Task A_two_node_job_exchanging_messages_must_complete_on_both_boards()
    {
        await using var lab = await BoardLab.StartAsync([
            new SimulatedBoardOptions { Name = "sim-mn-1", AutobootSeconds = 1, BaudRate = 0 },
            new SimulatedBoardOptions { Name = "sim-mn-2", AutobootSeconds = 1, BaudRate = 0 },
        ]);
        await lab.AddDeviceAsync("sim-mn-1");
        await lab.AddDeviceAsync("sim-mn-2");

        var ids = await lab.SubmitGroupAsync(Job);
        Assert.Equal(2, ids.Count);
        var lavacli = new Lavacli(lab.Cluster.Dir, lab.Master.Api, "admin", lab.Master.AdminToken);
        var followed = await lavacli.RunAsync("jobs", "logs", "--polling", "1", ids[0].ToString(System.Globalization.CultureInfo.InvariantCulture));

        foreach (var id in ids)
        {
            var job = await lab.WaitForEndAsync(id);
            var tests = await lab.TestsAsync(id);
            output.WriteLine($"{job}\n{string.Join('\n', tests)}");
            Assert.True(job.GetProperty("health").GetString() == "Complete", $"job {id}: {job}");
            Assert.DoesNotContain(tests, t => t.Suite != "lava" && t.Result != "pass");
        }
        var server = await lab.TestsAsync(ids[0]);
        var client = await lab.TestsAsync(ids[1]);
        Assert.Equal(["role", "synced"], server.Where(t => t.Suite.EndsWith("_serve", StringComparison.Ordinal)).Select(t => t.Name).Order());
        Assert.Equal(["got-address", "group", "synced"], client.Where(t => t.Suite.EndsWith("_use", StringComparison.Ordinal)).Select(t => t.Name).Order());
        // lavacli printed the server's log as it ran, to its end.
        Assert.Contains("TEST_CASE_ID=role", followed);
        Assert.Contains("Job finished correctly", followed);
    }
}
