using System.Text.Json;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Lava.Actors.Cluster;
using Lava.Actors.Coordination;
using Lava.Actors.Jobs;
using Lava.Actors.Jobs.ReadModels;
using Lava.Host.Master.Jobs;
using Lava.Actors.Jobs.Supervision;
using Lava.Actors.Jobs.Submission;
using Lava.Actors.Jobs.Logs;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Lab;
using Lava.Actors.Lab.Store;
using Lava.Actors.Persistence;
using Lava.Actors.Security;
using Lava.Host.Master.Admin;
using Lava.Host.Master.Cluster;
using Lava.Actors.Lab.Devices;
using Lava.Host.Master.Gateway.Lab;
using Lava.Host.Master.Gateway.Rest;
using Lava.Host.Master.Gateway.Ui;
using Lava.Host.Master.Gateway.XmlRpc;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Serilog;
using Serilog.Events;

namespace Lava.Host.Master;

/// <summary>
/// Builds the master's web application from <see cref="MasterOptions"/>: data directory, logging, the lab's
/// certificate authority and this master's certificate, the lab store, the admin user, the actor system (Akka.Hosting:
/// cluster node, member admission, workers, the worker presence singleton) and the HTTP gateway. Program.cs runs it;
/// tests start it on port 0.
/// </summary>
internal static class MasterHost
{
    /// <summary>The master's informational version (1.0.0+commit), compiled in: see GenerateMasterVersion in the project.</summary>
    public static string Version => MasterVersion.Informational;

    public static async Task<WebApplication> CreateAsync(MasterOptions options, CancellationToken cancellationToken = default)
    {
        CreatePrivateDirectory(options.DataDir);
        // Only what the master uses: Kestrel, routing and Serilog. The slim builder's defaults (appsettings.json watched
        // for changes, environment variables, the console logger, host filtering) are not the master's configuration,
        // which is HOCON, and stayed loaded for nothing.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { Args = [], ContentRootPath = options.DataDir });
        builder.WebHost.UseKestrelCore().UseUrls("http://" + options.HttpEndpoint);
        builder.Services.AddRoutingCore();
        var serilog = CreateLogger(options);
        builder.Logging.SetMinimumLevel(LogLevel.Trace).AddSerilog(serilog, dispose: true);
        var (host, port) = options.ClusterHostPort;

        // The lab's CA and this master's certificate exist before anything listens: workers are issued certificates by it.
        using var bootLoggers = new Serilog.Extensions.Logging.SerilogLoggerFactory(serilog);
        var authority = CertificateAuthority.LoadOrCreate(options.DataDir, bootLoggers.CreateLogger("Lava.Security"));
        var certificate = authority.LoadOrIssueMasterCertificate(options.DataDir, host);
        var trust = new LabTrust(authority.Certificate);
        var store = await LabStore.OpenAsync(options.Database, cancellationToken: cancellationToken);

        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower);
        // The token middleware and the body reader use the very options the endpoints answer with.
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<MasterIncarnation>();
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton<IWorkerRegistry>(store);
        builder.Services.AddSingleton<ITokenStore>(store);
        // Each API request names its token: a second's memory of its owner spares the store a lookup per request.
        builder.Services.AddSingleton(new RecentTokens(store, TimeProvider.System, TimeSpan.FromSeconds(1)));
        builder.Services.AddSingleton<IUserDirectory>(store);
        builder.Services.AddSingleton<IUserPasswords>(store);
        builder.Services.AddSingleton<IDeviceRegistry>(store);
        builder.Services.AddSingleton(DeviceTemplates.ForLab(Path.Combine(options.DataDir, "devices"), DeviceTypeDirectories(options)));
        builder.Services.AddSingleton<LabService>();
        builder.Services.AddSingleton(authority);
        builder.Services.AddSingleton<IWorkerCertificateIssuer>(authority);
        builder.Services.AddSingleton(trust);
        builder.Services.AddSingleton<WorkerAdmission>();
        builder.Services.AddSingleton<WorkerAdministration>();
        builder.Services.AddSingleton<IJobReadModel>(new JobReadModel(options.Database));
        builder.Services.AddSingleton<IQueuedJobs>(new QueuedJobs(options.Database));
        // A hundred ids per database write: a burst of submissions does not queue on the job_ids row (a restart skips at most 99).
        builder.Services.AddSingleton<IJobIds>(new JobIds(options.Database, blockSize: 100));
        builder.Services.AddSingleton(new ResultsStore(options.Database));
        builder.Services.AddSingleton<IJobResultsSink>(sp => sp.GetRequiredService<ResultsStore>());
        builder.Services.AddSingleton(new JobLogStore(Path.Combine(options.DataDir, "jobs")));
        // Submissions check a copy of the lab: this master's lab writes invalidate it at once, another master's show
        // within 30 s. Reading it costs a query per device, which must not fall on every second of a burst.
        builder.Services.AddSingleton(sp => new LabCatalog(sp.GetRequiredService<IDeviceRegistry>(), TimeProvider.System, TimeSpan.FromSeconds(30)));
        builder.Services.AddSingleton(sp => new JobSubmissions(sp.GetRequiredService<LabCatalog>(), sp.GetRequiredService<IJobIds>(), TimeProvider.System));
        builder.Services.AddSingleton<JobGateway>();
        builder.Services.AddSingleton<WorkerAgentDirectory>();
        builder.Services.AddLavaUi(options);
        builder.Services.AddHostedService(sp => IdleMemoryTrim.ForProcess(sp.GetRequiredService<ILogger<IdleMemoryTrim>>()));
        // Known once the actor system is up: with port 0 the cluster port is only bound then.
        builder.Services.AddSingleton(sp => new MasterClusterAddress(
            $"{host}:{Akka.Cluster.Cluster.Get(sp.GetRequiredService<ActorSystem>()).SelfAddress.Port}"));
        builder.Services.AddAkka(LavaRoles.SystemName, (akka, sp) => ConfigureActorSystem(akka, sp, options, certificate, trust));

        var app = builder.Build();
        try
        {
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Lava.Host.Master");
            await AdminBootstrap.EnsureAdminAsync(store, options.AdminTokenPath, logger, cancellationToken);

            app.UseMiddleware<TokenAuthentication>();
            var api = app.MapGroup(TokenAuthentication.ApiPrefix);
            SystemApi.Map(api, Version);
            WorkersApi.Map(api);
            UsersApi.Map(api);
            DevicesApi.Map(api);
            DeviceTypesApi.Map(api);
            JobValidationApi.Map(api);
            JobsApi.Map(api);
            ResultsApi.Map(api);
            app.UseLavaUi();

            var methods = new XmlRpcMethods();
            SystemMethods.Register(methods, Version);
            DeviceMethods.Register(methods);
            DeviceTypeMethods.Register(methods);
            WorkerMethods.Register(methods);
            JobValidationMethods.Register(methods);
            JobMethods.Register(methods);
            ResultMethods.Register(methods);
            XmlRpcEndpoint.Map(app, methods);

            app.Lifetime.ApplicationStarted.Register(() => OnStarted(app, options, logger));
            app.Lifetime.ApplicationStopped.Register(() => LogMessages.MasterStopped(logger));
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Where the device-type templates are: <c>lava.device-types</c>, else the device-types/ shipped beside the master's
    /// binaries. Relative paths are resolved against the current directory.
    /// </summary>
    private static IEnumerable<string> DeviceTypeDirectories(MasterOptions options) =>
        options.Config.GetStringList("lava.device-types") is { Count: > 0 } configured
            ? configured.Select(Path.GetFullPath)
            : [Path.Combine(AppContext.BaseDirectory, "device-types")];

    /// <summary>The addresses Kestrel listens on, with the real port when the endpoint asked for port 0; valid once started.</summary>
    public static IReadOnlyCollection<string> HttpAddresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    private static void ConfigureActorSystem(AkkaConfigurationBuilder akka, IServiceProvider services, MasterOptions options, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, LabTrust trust)
    {
        var (host, port) = options.ClusterHostPort;
        var admission = services.GetRequiredService<WorkerAdmission>();
        var registry = services.GetRequiredService<IWorkerRegistry>();
        var agents = services.GetRequiredService<WorkerAgentDirectory>();
        var lease = options.Database.Provider == LabDatabaseProvider.PostgreSql ? LeaseOption(options) : null;
        if (lease is not null)
        {
            akka.WithPostgreSqlLease(lease)
                .AddHocon("akka.cluster.split-brain-resolver.active-strategy = lease-majority", HoconAddMode.Prepend);
        }

        var seeds = options.SeedHostPorts.Select(seed => LavaNode.Address(seed.Host, seed.Port));
        akka.WithLavaNode(
                new LavaNodeSettings(host, port, certificate, trust, [LavaRoles.Master], [.. seeds], options.Config, verdict => AdmitInbound(admission, verdict)),
                services.GetRequiredService<ILoggerFactory>())
            .WithLavaPersistence(PersistenceOptions(options.Database))
            .WithJobProjections(options.Database, lease)
            .WithJobSupervisors(JobSupervisorSettings.FromConfig(options.Config), (_, _) => new JobSupervisorServices(
                services.GetRequiredService<JobLogStore>(),
                services.GetRequiredService<IJobResultsSink>(),
                services.GetRequiredService<IDeviceRegistry>(),
                services.GetRequiredService<DeviceTemplates>(),
                agents,
                TimeProvider.System))
            .WithJobIntake()
            .WithScheduler(
                SchedulerSettings.FromConfig(options.Config),
                services.GetRequiredService<IDeviceRegistry>(),
                registry,
                services.GetRequiredService<IQueuedJobs>(),
                services.GetRequiredService<IJobIds>(),
                TimeProvider.System,
                lease)
            .WithLiveFeed(services.GetRequiredService<LiveFeed>())
            .WithActors((system, actors) =>
            {
                // Before member admission starts: the directory must see every worker it verifies.
                agents.Follow(system);
                system.ActorOf(WorkersActor.Props(), "workers");
                system.ActorOf(SplitBrainLeaseBroker.Props(), SplitBrainLeaseBroker.Name);
                var members = system.ActorOf(MemberAdmissionActor.Props(trust, admission, options.IdentityTimeout), MemberAdmissionActor.Name);
                actors.Register<MemberAdmissionActor>(members);
                // An admin's withdrawal downs the worker's members at once; the TLS check refuses its reconnection.
                admission.Withdrawals.Subscribe(new WithdrawalObserver(w => members.Tell(new WithdrawWorker(w.Hostname, w.Message))));
                // The first master (no seeds configured) forms the cluster; with port 0 its address is known only now.
                if (options.SeedNodes.Count == 0) Akka.Cluster.Cluster.Get(system).Join(Akka.Cluster.Cluster.Get(system).SelfAddress);
            })
            .WithSingleton<WorkerPresenceRecorder>(
                WorkerPresenceRecorder.SingletonName,
                WorkerPresenceRecorder.Props(registry, TimeProvider.System),
                // With PostgreSQL, masters that cannot see each other still never run the recorder together: it needs the lease.
                new ClusterSingletonOptions { Role = LavaRoles.Master, TerminationMessage = WorkerPresenceRecorder.StopRecording.Instance, LeaseImplementation = lease },
                createProxyToo: false);
    }

    /// <summary>The singleton lease in the lab's PostgreSQL database, with the timings of <c>lava.coordination.lease.postgresql</c>.</summary>
    private static PostgreSqlLeaseOption LeaseOption(MasterOptions options)
    {
        var config = options.Config.GetConfig(PostgreSqlLease.ConfigPath);
        return new PostgreSqlLeaseOption
        {
            ConnectionString = config.GetString("connection-string", "") is { Length: > 0 } own ? own : options.Database.ConnectionString,
            SchemaName = config.GetString("schema-name"),
            HeartbeatTimeout = config.GetTimeSpan("heartbeat-timeout"),
            HeartbeatInterval = config.GetTimeSpan("heartbeat-interval"),
            SafetyMargin = config.GetTimeSpan("safety-margin"),
            OperationTimeout = config.GetTimeSpan("lease-operation-timeout"),
        };
    }

    /// <summary>The journal lives in the lab's database: lava.db with SQLite, the same server with PostgreSQL.</summary>
    public static LavaPersistenceOptions PersistenceOptions(LabDatabase database) => database.Provider == LabDatabaseProvider.Sqlite
        ? new LavaPersistenceOptions(PersistenceProvider.Sqlite, database.ConnectionString) { AutoInitialize = true }
        : new LavaPersistenceOptions(PersistenceProvider.PostgreSql, database.ConnectionString) { AutoInitialize = true };

    /// <summary>
    /// The registry check of a trusted worker on an inbound connection. Akka.Remote's certificate callback is synchronous,
    /// so this blocks the connection's I/O thread for one registry read; it runs once per connection, not per message.
    /// </summary>
    private static string? AdmitInbound(WorkerAdmission admission, TrustVerdict verdict)
    {
        if (verdict.Kind == NodeKind.Master) return null;
        try
        {
            var decision = admission.AdmitAsync(verdict.Name, verdict.Thumbprint).GetAwaiter().GetResult();
            return decision.Admitted ? null : decision.Message;
        }
        catch (LabStoreUnavailableException e)
        {
            return $"worker '{verdict.Name}' cannot be checked: {e.Message}";
        }
    }

    private static void OnStarted(WebApplication app, MasterOptions options, Microsoft.Extensions.Logging.ILogger logger)
    {
        var system = app.Services.GetRequiredService<ActorSystem>();
        var cluster = app.Services.GetRequiredService<MasterClusterAddress>();
        LogMessages.MasterStarted(logger, Version, string.Join(", ", HttpAddresses(app)), cluster.HostPort, options.DataDir);
        LogMessages.ClusterListening(logger, Akka.Cluster.Cluster.Get(system).SelfAddress.ToString(), LavaRoles.Master);
        LogMessages.AdminTokenLocation(logger, options.AdminTokenPath);
        // A master downed by the cluster, or whose actor system Akka.Remote terminated, stops serving; Program starts a new one.
        var incarnation = app.Services.GetRequiredService<MasterIncarnation>();
        system.WhenTerminated.ContinueWith(_ =>
        {
            if (EndedOnItsOwn(system) is { } reason)
            {
                incarnation.EndedOnItsOwn = reason;
                LogMessages.ActorSystemEnded(logger, reason);
            }

            app.Lifetime.StopApplication();
        }, TaskScheduler.Default);
    }

    /// <summary>
    /// Why <paramref name="system"/> ended without the process being asked to stop (downed by the cluster, or a failed
    /// outbound TLS handshake, after which Akka.Remote 1.5 terminates the system); null when it was stopped.
    /// </summary>
    private static string? EndedOnItsOwn(ActorSystem system) =>
        CoordinatedShutdown.Get(system).ShutdownReason is { } reason
            // Akka.Remote's TlsHandshakeFailureReason is internal: it is known by its name.
            && (reason is CoordinatedShutdown.ClusterDowningReason or CoordinatedShutdown.ClusterJoinUnsuccessfulReason
                || reason.GetType().Name == "TlsHandshakeFailureReason")
            ? reason.GetType().Name
            : null;

    private static Serilog.ILogger CreateLogger(MasterOptions options) =>
        new LoggerConfiguration()
            .MinimumLevel.Is(options.LogLevel)
            // Request-level chatter of ASP.NET Core drowns the lab's own messages at Information.
            .MinimumLevel.Override("Microsoft.AspNetCore", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Console(outputTemplate: "[{Timestamp:HH:mm:ss} {Level:u3}] {Message:lj}{NewLine}{Exception}")
            .WriteTo.File(
                Path.Combine(options.LogDirectory, "master-.log"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 14,
                outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} [{Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}")
            .CreateLogger();

    private static void CreatePrivateDirectory(string path)
    {
        // The directory holds the admin token and the CA's key: only the master's user may enter it.
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
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
