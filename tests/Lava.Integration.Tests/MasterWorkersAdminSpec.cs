using System.Runtime.Versioning;
using Xunit;

namespace Lava.Integration.Tests;

/// <summary>The real master process and the real lava-cli process talking HTTP over loopback.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class MasterWorkersAdminSpec
{
    private static readonly TimeSpan Deadline = TestCluster.EventDeadline;

    [Fact]
    public async Task Workers_add_with_a_token_file_must_work_against_a_running_master_that_exits_0_on_SIGTERM()
    {
        await using var cluster = new TestCluster();
        var master = await cluster.StartMasterAsync();
        var cli = await LavaProcesses.FindBuiltAsync("Lava.Cli", "lava-cli.dll");
        var cliEnvironment = new Dictionary<string, string?>
        {
            ["LAVA_URL"] = master.Api.ToString().TrimEnd('/'), ["LAVA_DATA_DIR"] = master.DataDir, ["LAVA_TOKEN"] = null,
        };

        var tokenFile = Path.Combine(cluster.Dir, "w1.token");
        var add = await LavaProcesses.RunAsync(LavaProcesses.Dotnet(), [cli, "workers", "add", "w1", "--token-file", tokenFile], Deadline, cliEnvironment);
        Assert.True(add.ExitCode == 0, $"workers add exited {add.ExitCode}: {add.Output}{add.Error}");

        var fingerprint = await master.FingerprintAsync();
        Assert.Contains(tokenFile, add.Output, StringComparison.Ordinal);
        Assert.Contains(fingerprint, add.Output, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
        var entries = File.ReadAllLines(tokenFile).Where(l => !l.StartsWith('#')).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal(["fingerprint", "name", "token"], entries.Keys.Order());
        Assert.Equal("w1", entries["name"]);
        Assert.Matches("^[0-9a-f]{40}$", entries["token"]);
        Assert.DoesNotContain(entries["token"], add.Output, StringComparison.Ordinal);
        Assert.Equal(fingerprint, entries["fingerprint"]);

        var list = await LavaProcesses.RunAsync(LavaProcesses.Dotnet(), [cli, "workers", "list"], Deadline, cliEnvironment);
        Assert.True(list.ExitCode == 0, $"workers list exited {list.ExitCode}: {list.Output}{list.Error}");
        Assert.Equal(["Workers:", "* w1 (Offline, Active)"], list.Output.TrimEnd().Split('\n'));

        master.Process.Terminate();
        Assert.True(await master.Process.WaitForExitAsync(Deadline) == 0, $"master exited {master.Process.ExitCode} after SIGTERM:\n{master.Process.Output}");
        Assert.True(master.Process.HasLine("Lava master stopped"), master.Process.Output);
    }
}
