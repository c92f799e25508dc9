using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Lava.Integration.Tests;

/// <summary>A master process that cannot start says why in one line and exits 1.</summary>
public sealed class MasterStartSpec
{
    [Fact]
    public async Task A_master_whose_cluster_port_is_taken_must_exit_1_naming_the_port()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        var dataDir = Directory.CreateTempSubdirectory("lava-master-start-").FullName;
        try
        {
            await using var master = LavaProcess.Start("master", await TestCluster.MasterDllAsync(),
                ["--http", "127.0.0.1:0", "--cluster", $"127.0.0.1:{port}", "--data-dir", dataDir],
                new Dictionary<string, string?> { ["LAVA_DATA_DIR"] = null });

            Assert.Equal(1, await master.WaitForExitAsync(TestCluster.StartDeadline));
            Assert.True(master.HasLine($"lava master: cannot listen for the cluster on 127.0.0.1:{port}: address already in use"), master.Output);
            Assert.False(master.HasLine("serving HTTP on"), master.Output);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
