using System.Diagnostics;
using System.Threading.Channels;
using Lava.Kernel;
using Lava.Kernel.Configuration;

namespace Lava.Bench;

/// <summary>
/// Failure detection with the default settings: the master side runs here (a listening transport that admits
/// every node, and membership that joins itself), a real Lava.Host.Worker process joins it and is killed with
/// SIGKILL; the figures are the times from the kill to UnreachableMember and to MemberRemoved on the master.
/// </summary>
public sealed partial class ClusterBench
{
    private static readonly TimeSpan FailureDeadline = TimeSpan.FromMinutes(2);

    /// <summary>Heartbeats the failure detector sees before the kill, so that it measures a settled link, not a new one.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(10);

    private async IAsyncEnumerable<Figure> KillAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var config = ConfigFactory.Load(ConfigFactory.ParseString("akka.remote.hostname = \"127.0.0.1\"\nakka.cluster.roles = [master]"));
        await using var master = ActorSystem.Create("lava", config);
        var certificate = RemoteCertificates.CreateSelfSigned();
        var server = await RemoteTransport.StartServerAsync(master, RemoteSettings.Create(config), certificate, cancellationToken: cancellationToken);
        var cluster = Cluster.Start(master);
        var events = Channel.CreateUnbounded<object>();
        cluster.Subscribe(master.ActorOf(Props.Create(() => new EventSink(events.Writer)), "events"),
            typeof(MemberUp), typeof(UnreachableMember), typeof(MemberRemoved));
        cluster.JoinSelf();

        var dir = Directory.CreateTempSubdirectory("lava-bench-");
        try
        {
            var tokenFile = Path.Combine(dir.FullName, "bench-worker.token");
            await File.WriteAllTextAsync(tokenFile,
                $"name=bench-worker\ntoken=bench\nfingerprint={RemoteCertificates.Sha256Fingerprint(certificate)}\n", cancellationToken);
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in new[] { WorkerDll(), "--name", "bench-worker", "--master", $"127.0.0.1:{server.Address.Port}",
                         "--token-file", tokenFile, "--data-dir", dir.FullName })
                start.ArgumentList.Add(arg);
            using var worker = Process.Start(start) ?? throw new InvalidOperationException("cannot start Lava.Host.Worker");
            worker.OutputDataReceived += (_, _) => { };
            worker.ErrorDataReceived += (_, _) => { };
            worker.BeginOutputReadLine();
            worker.BeginErrorReadLine();
            try
            {
                var node = (await NextAsync<MemberUp>(events.Reader, m => m.Member.Address.Host == "bench-worker", cancellationToken)).Member.UniqueAddress;
                await Task.Delay(SettleTime, cancellationToken);
                // Only events after the kill count: one from the settle time would be read as an instant detection.
                while (events.Reader.TryRead(out _))
                {
                }
                var killed = Stopwatch.GetTimestamp();
                worker.Kill();
                await NextAsync<UnreachableMember>(events.Reader, m => m.Member.UniqueAddress.Equals(node), cancellationToken);
                var unreachable = Stopwatch.GetElapsedTime(killed);
                await NextAsync<MemberRemoved>(events.Reader, m => m.Member.UniqueAddress.Equals(node), cancellationToken);
                var removed = Stopwatch.GetElapsedTime(killed);
                yield return new Figure(Name, "unreachable_after_kill_s", unreachable.TotalSeconds, "s");
                yield return new Figure(Name, "removed_after_kill_s", removed.TotalSeconds, "s");
            }
            finally
            {
                if (!worker.HasExited) worker.Kill();
                await worker.WaitForExitAsync(CancellationToken.None);
            }
        }
        finally
        {
            await master.Terminate();
            await server.WhenStopped.WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            dir.Delete(recursive: true);
        }
    }

    private static async Task<T> NextAsync<T>(ChannelReader<object> events, Func<T, bool> match, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(FailureDeadline);
        while (true)
        {
            if (await events.ReadAsync(deadline.Token) is T e && match(e)) return e;
        }
    }

    /// <summary>The worker built beside this benchmark (same configuration), found from the repository root.</summary>
    private static string WorkerDll()
    {
        var output = new DirectoryInfo(AppContext.BaseDirectory);
        var root = output;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Lava.sln"))) root = root.Parent;
        if (root is null) throw new InvalidOperationException($"Lava.sln not found above {AppContext.BaseDirectory}");
        var dll = Path.Combine(root.FullName, "Lava.Host.Worker", "bin", output.Parent!.Name, output.Name, "Lava.Host.Worker.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build Lava.Host.Worker first: {dll} is missing", dll);
    }

    private sealed class EventSink : ReceiveActor
    {
        public EventSink(ChannelWriter<object> events) => ReceiveAny(e => events.TryWrite(e));
    }
}
