using System.Reflection;
using Akka.Actor;
using Akka.Hosting;
using Lava.Actors.Cluster;
using Lava.Actors.Coordination;
using Lava.Actors.Security;
using Lava.Devices.Actors;
using Lava.Devices.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Lava.Host.Worker;

/// <summary>
/// Runs the worker's cluster node until it is told to stop or refused. Before each incarnation it probes the master
/// with its certificate (<see cref="AdmissionProbe"/>): refused ends the process with <see cref="RefusedExitCode"/>,
/// unreachable is retried with capped backoff. Each incarnation is a fresh host and actor system <c>lava</c> (role
/// <c>worker</c>, the master as seed node) with the worker's agent; when the cluster downs it (cut off, or its access
/// withdrawn) its actor system ends and the next incarnation starts with a new probe.
/// </summary>
internal sealed class WorkerNode(WorkerOptions options, ILoggerFactory loggerFactory)
{
    /// <summary>The process exit code when the master refused the worker.</summary>
    public const int RefusedExitCode = 3;

    private readonly ILogger _log = loggerFactory.CreateLogger("Lava.Host.Worker");
    private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
    // Simulated jobs outlive an incarnation, as job runner processes do.
    private readonly SimulatedRuns _simulatedRuns = new();
    private Uri? _fileServer;

    public static string Version { get; } =
        typeof(WorkerNode).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    /// <summary>Runs until <paramref name="stop"/> (then leaves gracefully and returns 0) or a refusal (returns <see cref="RefusedExitCode"/>).</summary>
    public async Task<int> RunAsync(CancellationToken stop)
    {
        var master = $"{options.MasterHost}:{options.MasterPort}";
        LogMessages.WorkerStarting(_log, options.Name, Version, master, options.DataDir);
        var certificate = options.Credentials.ToCertificateWithKey();
        var trust = new LabTrust(options.Credentials.CaCertificate);
        var retry = options.RetryMinBackoff;
        var refusedOnce = false;
        // The file server lives as long as the process, as the job runners do across incarnations.
        await using var files = options.FileServer is var (fileHost, filePort)
            ? await WorkerFileServer.StartAsync(fileHost, filePort, options.Hostname, Lava.Devices.Runs.JobDirectory.JobsRoot(options.DataDir), loggerFactory)
            : null;
        _fileServer = files?.BaseUrl;
        while (!stop.IsCancellationRequested)
        {
            ProbeResult probe;
            try
            {
                probe = await AdmissionProbe.ProbeAsync(options.MasterHost, options.MasterPort, certificate, trust, options.ProbeSettle, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return 0;
            }

            switch (probe.Outcome)
            {
                // A master that closes the probe's connection refused the certificate, or was stopping just then:
                // only a second refusal in a row ends the worker.
                case ProbeOutcome.Refused when !refusedOnce:
                    refusedOnce = true;
                    LogMessages.ProbeRefused(_log, probe.Reason, options.RetryMinBackoff);
                    try
                    {
                        await Task.Delay(options.RetryMinBackoff, stop);
                    }
                    catch (OperationCanceledException)
                    {
                        return 0;
                    }

                    continue;
                case ProbeOutcome.Refused:
                    LogMessages.Refused(_log, probe.Reason);
                    return RefusedExitCode;
                case ProbeOutcome.Unreachable:
                    refusedOnce = false;
                    LogMessages.JoinFailed(_log, master, retry, probe.Reason);
                    try
                    {
                        await Task.Delay(retry, stop);
                    }
                    catch (OperationCanceledException)
                    {
                        return 0;
                    }

                    retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, options.RetryMaxBackoff.Ticks));
                    continue;
            }

            refusedOnce = false;
            retry = options.RetryMinBackoff;
            if (await RunIncarnationAsync(certificate, trust, stop) is { } ended) LogMessages.Rejoining(_log, ended);
        }

        return 0;
    }

    /// <summary>Runs one actor system; returns why it ended on its own, or null when <paramref name="stop"/> ended it.</summary>
    private async Task<string?> RunIncarnationAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, LabTrust trust, CancellationToken stop)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddAkka(LavaRoles.SystemName, (akka, _) => akka
            // A downed worker keeps its actor system, and so its cluster port, for lava.worker.downed-linger before it
            // restarts: a master still dialling it then completes its TLS handshake, whereas a port closing in the middle
            // of one fails the master's outbound handshake, which makes Akka.Remote 1.5 terminate the master's system.
            .AddHocon("akka.cluster.run-coordinated-shutdown-when-down = off", HoconAddMode.Prepend)
            // A worker leading its side decides a partition as the masters would: with their lease, taken by one of them.
            .AddHocon($$"""
                akka.cluster.split-brain-resolver {
                  active-strategy = lease-majority
                  lease-majority.lease-implementation = "{{MastersLease.ConfigPath}}"
                }
                """, HoconAddMode.Prepend)
            .WithLavaNode(
                new LavaNodeSettings(options.Hostname, options.Port, certificate, trust, [LavaRoles.Worker],
                    [LavaNode.Address(options.MasterHost, options.MasterPort)], options.Config),
                loggerFactory)
            .WithActors((system, _) =>
            {
                var devices = options.SimulatedDevices
                    ? SimulatedDevices.Props(new SimulatedDeviceOptions(options.Name, options.SimulatedStepDelay, options.ResendInterval), _simulatedRuns)
                    : DeviceActors.Props(new DeviceActorOptions(options.Name, options.DataDir, options.RunnerCommand, options.RunnerStopGrace, options.ResendInterval) { FileServer = _fileServer, SpareRunners = options.SpareRunners, MaxStartingRunners = options.MaxStartingRunners, LogLinger = options.LogLinger });
                system.ActorOf(WorkerAgent.Props(options.Name, Version, _startedAt, devices), WorkerAgent.Name);
                var cluster = Akka.Cluster.Cluster.Get(system);
                cluster.RegisterOnMemberUp(() => LogMessages.Joined(_log, options.Name, cluster.SelfAddress.ToString(), cluster.SelfUniqueAddress.Uid));
            }));
        using var host = builder.Build();
        await host.StartAsync(CancellationToken.None);
        var system = host.Services.GetRequiredService<ActorSystem>();
        var removed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Akka.Cluster.Cluster.Get(system).RegisterOnMemberRemoved(() => removed.TrySetResult());
        var stopped = Task.Delay(Timeout.Infinite, stop);
        var ended = await Task.WhenAny(system.WhenTerminated, removed.Task, stopped);
        if (ended == removed.Task && !stop.IsCancellationRequested)
        {
            LogMessages.Lingering(_log, options.DownedLinger);
            await Task.WhenAny(Task.Delay(options.DownedLinger, CancellationToken.None), stopped);
            await host.StopAsync(CancellationToken.None);
            return "the cluster downed this worker";
        }

        if (ended != system.WhenTerminated)
        {
            LogMessages.Stopping(_log, "a stop signal");
            // Akka.Hosting runs coordinated shutdown: the node leaves the cluster before its system terminates.
            await host.StopAsync(CancellationToken.None);
            return null;
        }

        var reason = CoordinatedShutdown.Get(system).ShutdownReason;
        await host.StopAsync(CancellationToken.None);
        return reason switch
        {
            CoordinatedShutdown.ClusterDowningReason => "the cluster downed this worker",
            CoordinatedShutdown.ClusterLeavingReason => "this worker left the cluster",
            null => "the actor system terminated",
            _ => $"the actor system terminated ({reason.GetType().Name})",
        };
    }
}
