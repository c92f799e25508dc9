using System.Runtime.Versioning;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Lava.Actors.Cluster;
using Lava.Actors.Configuration;
using Lava.Actors.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace Lava.Integration.Tests;

/// <summary>
/// Members whose TLS certificate is a current, admitted worker certificate but who claim more than it proves: a master
/// role, or another worker's name. They run in this test process as Lava nodes; the master is a real process.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class MemberIdentitySpec
{
    private static readonly TimeSpan Deadline = TestCluster.EventDeadline;

    [Fact]
    public async Task Members_claiming_the_master_role_or_another_workers_name_must_be_downed_while_the_real_worker_stays_up()
    {
        await using var cluster = new TestCluster();
        var master = await cluster.StartMasterAsync();
        var real = await cluster.AddAndStartWorkerAsync(master, "wb");
        var (realAddress, realUid) = LogLines.JoinedAs(await real.WaitForLineAsync(Deadline, LogLines.Joined("wb")));
        await master.WaitForWorkerStateAsync("wb", "Online");

        var claimsMaster = Rogue(cluster, master, await master.AddWorkerAsync("wc"), [LavaRoles.Master], claimedName: null);
        var claimsWb = Rogue(cluster, master, await master.AddWorkerAsync("wa"), [LavaRoles.Worker], claimedName: "wb");
        await Task.WhenAll(ExpectDownedAsync(master, claimsMaster), ExpectDownedAsync(master, claimsWb));

        Assert.False(master.Process.HasLine("Downing", realAddress), master.Process.Output);
        Assert.False(master.Process.HasLine("Worker wb is Offline"), master.Process.Output);
        Assert.False(master.Process.HasLine("proved it is Master", "wc"), master.Process.Output);
        Assert.Equal("Online", await master.WorkerStateAsync("wb"));
        Assert.Equal("Offline", await master.WorkerStateAsync("wa"));
        Assert.Equal("Offline", await master.WorkerStateAsync("wc"));
        Assert.False(real.HasExited, real.Output);
        Assert.True(master.Process.HasLine($"Worker wb is Online (uid {realUid})"), master.Process.Output);
    }

    /// <summary>A Lava node in this process with <paramref name="credentials"/>, the roles given and the name it claims (null: its own).</summary>
    private static RogueNode Rogue(TestCluster cluster, MasterNode master, WorkerCredentials credentials, string[] roles, string? claimedName)
    {
        var lines = new LineLogger();
        var loggers = LoggerFactory.Create(l => l.AddProvider(lines).SetMinimumLevel(LogLevel.Information));
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(loggers);
        builder.Services.AddAkka(LavaRoles.SystemName, (akka, _) => akka.WithLavaNode(
            new LavaNodeSettings("127.0.0.1", 0, credentials.ToCertificateWithKey(), new LabTrust(credentials.CaCertificate), roles,
                [LavaNode.Address("127.0.0.1", master.ClusterPort)], Lingering.WithFallback(LavaConfig.Load(cluster.ConfigPath)), ClaimedName: claimedName),
            loggers));
        return new RogueNode($"{credentials.Name} claiming {claimedName ?? string.Join(',', roles)}", builder.Build(), loggers, lines);
    }

    private static async Task ExpectDownedAsync(MasterNode master, RogueNode rogue)
    {
        await using var _ = rogue;
        await rogue.Host.StartAsync();
        var system = rogue.Host.Services.GetRequiredService<ActorSystem>();
        var self = Akka.Cluster.Cluster.Get(system).SelfUniqueAddress;
        var downing = await master.Process.WaitForLineAsync(Deadline, $"Downing member {self.Address} (uid {self.Uid}): ");
        Assert.True(downing.Split("): ", 2)[1].Trim().Length > 0, $"the master must say why it downs {rogue.Name}: {downing}");
        var removed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Akka.Cluster.Cluster.Get(system).RegisterOnMemberRemoved(() => removed.TrySetResult());
        var seen = await Task.WhenAny(removed.Task, Task.Delay(LavaProcesses.Dilated(Deadline)));
        Assert.True(seen == removed.Task, $"{rogue.Name} must see itself downed and removed; its log:\n{rogue.Lines.Output}");
        // Like a real worker the rogue keeps its port open until the master has removed it, so that no member's dial
        // meets a port closing in the middle of a TLS handshake (Akka.Remote 1.5 terminates a node whose outbound one fails).
        await master.Process.WaitForLineAsync(Deadline, $"Member removed [{self.Address}]");
    }

    /// <summary>A downed rogue keeps its actor system, as Lava's worker host does, instead of terminating at once.</summary>
    private static Config Lingering { get; } = ConfigurationFactory.ParseString("akka.cluster.run-coordinated-shutdown-when-down = off");

    private sealed record RogueNode(string Name, IHost Host, ILoggerFactory Loggers, LineLogger Lines) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Host.StopAsync();
            Host.Dispose();
            Loggers.Dispose();
        }
    }
}
