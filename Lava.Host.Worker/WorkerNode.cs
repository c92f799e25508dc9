using System.Reflection;
using Lava.Actors.Lab;
using Lava.Kernel;
using Lava.Kernel.Configuration;
using Microsoft.Extensions.Logging;

namespace Lava.Host.Worker;

/// <summary>
/// Runs the worker's cluster node until it is told to stop or refused. Each incarnation is a fresh actor
/// system <c>lava</c> that dials the master (advertising the worker's name as its host, role <c>worker</c>,
/// pinning the master's certificate), starts its agent and joins. A join that fails for lack of a master is
/// retried with capped backoff; a node that loses the cluster (it or every master was removed) starts a new
/// incarnation and joins again; a refusal by the master ends the process with <see cref="RefusedExitCode"/>.
/// </summary>
internal sealed class WorkerNode(WorkerOptions options, ILoggerFactory loggerFactory)
{
    /// <summary>The process exit code when the master refused the worker (at join, or by disconnecting it later).</summary>
    public const int RefusedExitCode = 3;

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(500);
    private readonly ILogger _log = loggerFactory.CreateLogger("Lava.Host.Worker");
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;

    public static string Version { get; } =
        typeof(WorkerNode).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>Runs until <paramref name="stop"/> (then leaves gracefully and returns 0) or a refusal (returns <see cref="RefusedExitCode"/>).</summary>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        LogMessages.WorkerStarting(_log, options.Name, Version, $"{options.MasterHost}:{options.MasterPort}", options.DataDir);
        var retry = FirstRetry;
        var maximumRetry = RemoteSettings.Create(options.Config).ReconnectMaxBackoff;
        while (true)
        {
            var outcome = await RunIncarnationAsync(stop);
            switch (outcome)
            {
                case Outcome.Stopped:
                    return 0;
                case Outcome.Refused refused:
                    LogMessages.Refused(_log, refused.Reason);
                    return RefusedExitCode;
                case Outcome.Lost lost:
                    LogMessages.Rejoining(_log, lost.Reason);
                    retry = FirstRetry;
                    break;
                case Outcome.JoinFailed failed:
                    LogMessages.JoinFailed(_log, $"{options.MasterHost}:{options.MasterPort}", retry, failed.Reason);
                    try
                    {
                        await Task.Delay(retry, stop);
                    }
                    catch (OperationCanceledException)
                    {
                        return 0;
                    }
                    retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, Math.Max(maximumRetry.Ticks, FirstRetry.Ticks)));
                    break;
            }
        }
    }

    private async Task<Outcome> RunIncarnationAsync(CancellationToken stop)
    {
        var config = ConfigFactory.ParseString($"akka.remote.hostname = \"{options.Name}\"\nakka.remote.port = 0\nakka.cluster.roles = [{ClusterCredential.WorkerRole}]")
            .WithFallback(options.Config).Resolve();
        var system = ActorSystem.Create(WorkerAgentProtocol.SystemName, config, new ActorSystemSetup { LoggerFactory = loggerFactory });
        var outcome = new TaskCompletionSource<Outcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            WorkerAgentProtocol.Register(system.Serialization);
            RemoteTransport.StartClient(system, RemoteSettings.Create(config));
            var cluster = Cluster.Start(system);
            system.ActorOf(WorkerAgent.Props(options.Name, Version, _startedAt), WorkerAgent.Name);
            system.ActorOf(ClusterWatch.Props(outcome), "cluster-watch");

            UniqueAddress master;
            try
            {
                var credential = ClusterCredential.ForWorker(options.Name, options.Token).ToBytes();
                master = await cluster.JoinAsync(options.MasterHost, options.MasterPort, options.Fingerprint, credential, stop);
            }
            catch (RemoteAdmissionRefusedException e)
            {
                return new Outcome.Refused(e.Reason);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return new Outcome.Stopped();
            }
            catch (Exception e) when (!stop.IsCancellationRequested)
            {
                return new Outcome.JoinFailed(e.GetBaseException().Message);
            }
            LogMessages.Joined(_log, options.Name, cluster.SelfUniqueAddress.ToString(), master.ToString());
            cluster.RegisterOnMemberRemoved(() => outcome.TrySetResult(new Outcome.Lost("this worker was removed from the cluster")));
            _ = system.WhenTerminated.ContinueWith(_ => outcome.TrySetResult(new Outcome.Lost("the actor system terminated")), TaskScheduler.Default);

            var stopped = Task.Delay(Timeout.Infinite, stop);
            if (await Task.WhenAny(outcome.Task, stopped) == stopped && outcome.TrySetResult(new Outcome.Stopped()))
            {
                LogMessages.Stopping(_log, "a stop signal");
                await CoordinatedShutdown.Get(system).RunAsync("the worker is stopping");
            }
            return await outcome.Task;
        }
        finally
        {
            await system.Terminate();
        }
    }

    /// <summary>How one incarnation ended.</summary>
    internal abstract record Outcome
    {
        public sealed record Stopped : Outcome;

        public sealed record Refused(string Reason) : Outcome;

        public sealed record Lost(string Reason) : Outcome;

        public sealed record JoinFailed(string Reason) : Outcome;
    }
}
