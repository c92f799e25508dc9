using System.Globalization;
using Lava.Actors.Lab;
using Lava.Kernel;
using Lava.Kernel.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using KernelCluster = Lava.Kernel.Cluster;

namespace Lava.Host.Master.Cluster;

/// <summary>
/// The master's cluster node: the actor system <c>lava</c>, the TLS cluster port (admission by
/// <see cref="MasterAdmissionPolicy"/>, inbound frames checked by <see cref="ClusterInboundAuthorizer"/>),
/// membership (joining itself, or the configured seed masters), <c>/user/workers</c>, the worker presence
/// singleton, and the disconnection of a worker whose access an admin withdraws. Stops through coordinated
/// shutdown with the web host; a system that terminates on its own stops the host too.
/// </summary>
internal sealed class MasterClusterService(
    MasterOptions options,
    ClusterIdentity identity,
    WorkerAdmission admission,
    IWorkerRegistry registry,
    ILoggerFactory loggerFactory,
    IHostApplicationLifetime lifetime) : IHostedService, IAsyncDisposable
{
    /// <summary>The process exit code when a seed master refused this master (a wrong master secret).</summary>
    public const int RefusedExitCode = 3;

    private readonly ILogger _log = loggerFactory.CreateLogger("Lava.Host.Master.Cluster");
    private readonly CancellationTokenSource _stopping = new();
    private ActorSystem? _system;
    private RemoteTransport? _transport;
    private IDisposable? _withdrawals;
    private Task _joining = Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = MasterClusterSettings.Create(options.Config);
        var (host, port) = SplitEndpoint(options.ClusterEndpoint);
        var config = ConfigFactory.ParseString($"akka.remote.hostname = \"{host}\"\nakka.remote.port = {port}\nakka.cluster.roles = [{ClusterCredential.MasterRole}]")
            .WithFallback(options.Config).Resolve();
        _system = ActorSystem.Create(WorkerAgentProtocol.SystemName, config, new ActorSystemSetup { LoggerFactory = loggerFactory });
        WorkerAgentProtocol.Register(_system.Serialization);
        var remote = RemoteSettings.Create(config);
        _transport = await RemoteTransport.StartServerAsync(_system, remote, identity.Certificate,
            new MasterAdmissionPolicy(admission, settings.MasterSecret), new ClusterInboundAuthorizer(), cancellationToken);
        if (_transport.Address.Port is { } bound) identity.Bound(bound);
        LogMessages.ClusterListening(_log, _transport.Address.ToString(), _transport.UniqueAddress.ToString(), string.Join(", ", remote.Roles));

        var cluster = KernelCluster.Start(_system);
        _withdrawals = admission.Withdrawals.Subscribe(new WithdrawalObserver(Withdraw));
        _system.ActorOf(WorkersActor.Props(), "workers");
        _system.ActorOf(PresenceSingletonManager(_system, config, _transport.UniqueAddress), WorkerPresenceRecorder.ManagerName);
        _ = _system.WhenTerminated.ContinueWith(_ => lifetime.StopApplication(), TaskScheduler.Default);

        if (settings.SeedNodes.Count == 0)
        {
            cluster.JoinSelf();
            LogMessages.JoinedSelf(_log);
        }
        else
        {
            _joining = JoinSeedsAsync(cluster, settings, _stopping.Token);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        _withdrawals?.Dispose();
        if (_system is null) return;
        await CoordinatedShutdown.Get(_system).RunAsync("the master is stopping").WaitAsync(cancellationToken);
        LogMessages.ClusterStopped(_log, CoordinatedShutdown.Get(_system).Reason ?? "stopped");
    }

    public async ValueTask DisposeAsync()
    {
        _withdrawals?.Dispose();
        if (_system is not null) await _system.Terminate();
        _stopping.Dispose();
    }

    /// <summary>
    /// The manager of the <see cref="WorkerPresenceRecorder"/> singleton on the oldest master. With a lease store
    /// configured (<c>lava.coordination.lease.postgresql.connection-string</c>) the recorder also needs the
    /// PostgreSQL lease, so that masters that cannot see each other never run it together.
    /// </summary>
    private Props PresenceSingletonManager(ActorSystem system, Config config, UniqueAddress self)
    {
        var leased = config.GetString($"{PostgreSqlLeaseSettings.ConfigPath}.connection-string", "").Length > 0;
        var settings = ClusterSingletonManagerSettings.Create(config) with
        {
            SingletonName = WorkerPresenceRecorder.SingletonName,
            Role = ClusterCredential.MasterRole,
            Lease = leased ? () => PostgreSqlLease.Create(system, WorkerPresenceRecorder.LeaseName, self.ToString()) : null,
        };
        return ClusterSingletonManager.Props(WorkerPresenceRecorder.Props(registry), WorkerPresenceRecorder.StopRecording.Instance, settings);
    }

    private async Task JoinSeedsAsync(KernelCluster cluster, MasterClusterSettings settings, CancellationToken cancellationToken)
    {
        var credential = ClusterCredential.ForMaster(options.ClusterEndpoint, settings.MasterSecret).ToBytes();
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var (host, port) in settings.SeedNodes)
            {
                var seed = $"{host}:{port}";
                try
                {
                    var node = await cluster.JoinAsync(host, port, settings.SeedFingerprint, credential, cancellationToken);
                    LogMessages.JoinedSeed(_log, seed, node.ToString());
                    return;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (RemoteAdmissionRefusedException e)
                {
                    LogMessages.SeedRefused(_log, seed, e.Reason);
                    Environment.ExitCode = RefusedExitCode;
                    lifetime.StopApplication();
                    return;
                }
                catch (Exception e)
                {
                    LogMessages.SeedJoinFailed(_log, seed, settings.JoinRetryInterval, e.Message);
                }
            }
            try
            {
                await Task.Delay(settings.JoinRetryInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Withdraw(WorkerAccessWithdrawn withdrawn)
    {
        if (_transport is null || _system is null) return;
        var cluster = KernelCluster.Get(_system);
        var nodes = _transport.ConnectedNodes
            .Concat(cluster.State.Members.Select(m => m.UniqueAddress))
            .Where(n => n.Address.Host == withdrawn.Hostname && n.Address.System == WorkerAgentProtocol.SystemName)
            .Distinct();
        foreach (var node in nodes)
        {
            LogMessages.DisconnectingWorker(_log, withdrawn.Hostname, withdrawn.Message, node.ToString());
            _transport.Disconnect(node, withdrawn.Message);
            cluster.Down(node.Address);
        }
    }

    private static (string Host, int Port) SplitEndpoint(string endpoint)
    {
        var colon = endpoint.LastIndexOf(':');
        return (endpoint[..colon].Trim('[', ']'), int.Parse(endpoint.AsSpan(colon + 1), CultureInfo.InvariantCulture));
    }

    private sealed class WithdrawalObserver(Action<WorkerAccessWithdrawn> onNext) : IObserver<WorkerAccessWithdrawn>
    {
        public void OnNext(WorkerAccessWithdrawn value) => onNext(value);

        public void OnError(Exception error)
        {
        }

        public void OnCompleted()
        {
        }
    }
}
