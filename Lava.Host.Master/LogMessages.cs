using Microsoft.Extensions.Logging;

namespace Lava.Host.Master;

/// <summary>Every log statement of the master host, with stable event ids.</summary>
internal static partial class LogMessages
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Lava master {Version} serving HTTP on {HttpAddresses}; cluster endpoint {ClusterEndpoint}; data directory {DataDir}")]
    public static partial void MasterStarted(ILogger logger, string version, string httpAddresses, string clusterEndpoint, string dataDir);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Admin API token: {TokenPath}")]
    public static partial void AdminTokenLocation(ILogger logger, string tokenPath);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Created the superuser admin; its token is in {TokenPath}")]
    public static partial void AdminCreated(ILogger logger, string tokenPath);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "The token in {TokenPath} was unknown to the database; it is now a token of admin")]
    public static partial void AdminTokenAdopted(ILogger logger, string tokenPath);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "The superuser admin exists but {TokenPath} is missing; its tokens stay valid and no new one is written")]
    public static partial void AdminTokenFileMissing(ILogger logger, string tokenPath);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Created the cluster certificate {CertificatePath}")]
    public static partial void ClusterCertificateCreated(ILogger logger, string certificatePath);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "Cluster certificate {CertificatePath}, SHA-256 fingerprint {Fingerprint}")]
    public static partial void ClusterCertificateLoaded(ILogger logger, string certificatePath, string fingerprint);

    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Lava master stopped")]
    public static partial void MasterStopped(ILogger logger);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "{User} {Verb} worker {Hostname}")]
    public static partial void WorkerChanged(ILogger logger, string user, string verb, string hostname);

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Cluster port listening on {Address} as {Node}, roles [{Roles}]")]
    public static partial void ClusterListening(ILogger logger, string address, string node, string roles);

    [LoggerMessage(EventId = 31, Level = LogLevel.Information, Message = "Joined the cluster alone: this master is its first member")]
    public static partial void JoinedSelf(ILogger logger);

    [LoggerMessage(EventId = 32, Level = LogLevel.Information, Message = "Joined the cluster through the master at {Seed} ({SeedNode})")]
    public static partial void JoinedSeed(ILogger logger, string seed, string seedNode);

    [LoggerMessage(EventId = 33, Level = LogLevel.Warning, Message = "Could not join the master at {Seed}, next attempt in {Delay}: {Reason}")]
    public static partial void SeedJoinFailed(ILogger logger, string seed, TimeSpan delay, string reason);

    [LoggerMessage(EventId = 34, Level = LogLevel.Error, Message = "The master at {Seed} refused this master: {Reason}")]
    public static partial void SeedRefused(ILogger logger, string seed, string reason);

    [LoggerMessage(EventId = 35, Level = LogLevel.Warning, Message = "Worker {Hostname} lost its access ({Reason}): disconnecting {Node}")]
    public static partial void DisconnectingWorker(ILogger logger, string hostname, string reason, string node);

    [LoggerMessage(EventId = 37, Level = LogLevel.Information, Message = "Watching the agent of worker {Hostname} at {AgentPath} (uid {Uid})")]
    public static partial void WatchingWorkerAgent(ILogger logger, string hostname, string agentPath, long uid);

    [LoggerMessage(EventId = 38, Level = LogLevel.Warning, Message = "Terminated: the agent of worker {Hostname} at {AgentPath} (uid {Uid}); address terminated: {AddressTerminated}")]
    public static partial void WorkerAgentTerminated(ILogger logger, string hostname, string agentPath, long uid, bool addressTerminated);

    [LoggerMessage(EventId = 39, Level = LogLevel.Warning, Message = "Worker {Hostname} (uid {Uid}) has no agent at /user/worker after {Attempts} attempts")]
    public static partial void WorkerAgentNotFound(ILogger logger, string hostname, long uid, int attempts);

    [LoggerMessage(EventId = 40, Level = LogLevel.Information, Message = "Worker {Hostname} runs version {Version} since {StartedAt:O} with {Devices} devices")]
    public static partial void WorkerStatusReceived(ILogger logger, string hostname, string version, DateTimeOffset startedAt, int devices);

    [LoggerMessage(EventId = 41, Level = LogLevel.Information, Message = "Worker presence recorder started on {Node} at {At:O}")]
    public static partial void PresenceRecorderStarted(ILogger logger, string node, DateTimeOffset at);

    [LoggerMessage(EventId = 42, Level = LogLevel.Information, Message = "Worker presence recorder stopped on {Node} at {At:O}")]
    public static partial void PresenceRecorderStopped(ILogger logger, string node, DateTimeOffset at);

    [LoggerMessage(EventId = 43, Level = LogLevel.Information, Message = "Worker {Hostname} is {State} (uid {Uid})")]
    public static partial void WorkerPresence(ILogger logger, string hostname, Lava.Actors.Lab.WorkerState state, long uid);

    [LoggerMessage(EventId = 44, Level = LogLevel.Warning, Message = "Worker {Hostname} is {State} in the cluster but unknown to the registry")]
    public static partial void PresenceOfUnknownWorker(ILogger logger, string hostname, Lava.Actors.Lab.WorkerState state);

    [LoggerMessage(EventId = 45, Level = LogLevel.Information, Message = "Cluster stopped: {Reason}")]
    public static partial void ClusterStopped(ILogger logger, string reason);
}
