using System.Diagnostics;
using System.Net.Http.Json;
using System.Runtime.Versioning;
using System.Text.Json;
using Xunit;

namespace Lava.Integration.Tests;

/// <summary>The real master process and the real lava-cli process talking HTTP over loopback.</summary>
public sealed class MasterWorkersAdminSpec : IDisposable
{
    private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(30);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "lava-it-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Workers_add_with_a_token_file_must_work_against_a_running_master_that_exits_0_on_SIGTERM()
    {
        var master = await LavaProcesses.FindBuiltAsync("Lava.Host.Master", "Lava.Host.Master.dll");
        var cli = await LavaProcesses.FindBuiltAsync("Lava.Cli", "lava-cli.dll");
        var dataDir = Path.Combine(_dir, "data");
        var url = $"http://127.0.0.1:{LavaProcesses.FreeLoopbackPort()}";

        using var process = Process.Start(LavaProcesses.StartInfo(
            LavaProcesses.Dotnet(),
            [master, "--http", url["http://".Length..], "--data-dir", dataDir],
            new Dictionary<string, string?> { ["LAVA_DATA_DIR"] = null }))!;
        var log = LavaProcesses.Capture(process);
        try
        {
            await WaitForVersionAsync(url, process, log);

            var cliEnvironment = new Dictionary<string, string?> { ["LAVA_URL"] = url, ["LAVA_DATA_DIR"] = dataDir, ["LAVA_TOKEN"] = null };
            var tokenFile = Path.Combine(_dir, "w1.token");
            var add = await LavaProcesses.RunAsync(LavaProcesses.Dotnet(), [cli, "workers", "add", "w1", "--token-file", tokenFile], StopDeadline, cliEnvironment);
            Assert.True(add.ExitCode == 0, $"workers add exited {add.ExitCode}: {add.Output}{add.Error}");

            var fingerprint = await ClusterFingerprintAsync(url, dataDir);
            Assert.Contains(tokenFile, add.Output, StringComparison.Ordinal);
            Assert.Contains(fingerprint, add.Output, StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
            var entries = File.ReadAllLines(tokenFile).Where(l => !l.StartsWith('#')).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            Assert.Equal(["fingerprint", "name", "token"], entries.Keys.Order());
            Assert.Equal("w1", entries["name"]);
            Assert.Matches("^[0-9a-f]{40}$", entries["token"]);
            Assert.DoesNotContain(entries["token"], add.Output, StringComparison.Ordinal);
            Assert.Equal(fingerprint, entries["fingerprint"]);

            var list = await LavaProcesses.RunAsync(LavaProcesses.Dotnet(), [cli, "workers", "list"], StopDeadline, cliEnvironment);
            Assert.True(list.ExitCode == 0, $"workers list exited {list.ExitCode}: {list.Output}{list.Error}");
            Assert.Equal(["Workers:", "* w1 (Offline, Active)"], list.Output.TrimEnd().Split('\n'));
        }
        finally
        {
            if (!process.HasExited)
            {
                LavaProcesses.Terminate(process);
            }
        }

        using var stop = new CancellationTokenSource(StopDeadline);
        await process.WaitForExitAsync(stop.Token);
        Assert.True(process.ExitCode == 0, $"master exited {process.ExitCode} after SIGTERM:\n{log}");
        Assert.Contains("Lava master stopped", log.ToString(), StringComparison.Ordinal);
    }

    private static async Task WaitForVersionAsync(string url, Process master, System.Text.StringBuilder log)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + StartDeadline;
        while (true)
        {
            Assert.False(master.HasExited, $"the master exited with {(master.HasExited ? master.ExitCode : 0)} before answering:\n{log}");
            try
            {
                using var response = await client.GetAsync($"{url}/api/v0.2/system/version/");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // Not listening yet: poll again (an external process gives no other signal).
            }

            Assert.True(DateTime.UtcNow < deadline, $"the master did not answer on {url} within {StartDeadline}:\n{log}");
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    private static async Task<string> ClusterFingerprintAsync(string url, string dataDir)
    {
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Authorization = new("Token", File.ReadAllText(Path.Combine(dataDir, "admin.token")).Trim());
        var cluster = await client.GetFromJsonAsync<JsonElement>($"{url}/api/v0.2/system/cluster/");
        return cluster.GetProperty("certificate_fingerprint").GetString()!;
    }
}
