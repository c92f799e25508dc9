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



    [LoggerMessage(EventId = 8, Level = LogLevel.Information, Message = "Lava master stopped")]
    public static partial void MasterStopped(ILogger logger);

    [LoggerMessage(EventId = 20, Level = LogLevel.Information, Message = "{User} {Verb} worker {Hostname}")]
    public static partial void WorkerChanged(ILogger logger, string user, string verb, string hostname);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "{User} {Verb} {Kind} {Name}")]
    public static partial void LabChanged(ILogger logger, string user, string verb, string kind, string name);

    [LoggerMessage(EventId = 40, Level = LogLevel.Error, Message = "An XML-RPC call failed")]
    public static partial void XmlRpcFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 30, Level = LogLevel.Information, Message = "Cluster node {Address} up with role {Role}")]
    public static partial void ClusterListening(ILogger logger, string address, string role);

    [LoggerMessage(EventId = 31, Level = LogLevel.Error, Message = "The actor system ended on its own ({Reason}): the master starts a new incarnation")]
    public static partial void ActorSystemEnded(ILogger logger, string reason);

    [LoggerMessage(EventId = 60, Level = LogLevel.Error, Message = "{Method} {Path} answered 503: the lab database is unavailable")]
    public static partial void LabStoreUnavailable(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(EventId = 70, Level = LogLevel.Warning, Message = "A live change could not be read for the web UI; its pages show it on their next load")]
    public static partial void LiveChangeUnread(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 71, Level = LogLevel.Information, Message = "User {User} signed in to the web UI")]
    public static partial void SignedIn(ILogger logger, string user);

    // Debug: a quiet master trims as often as every 5 s.
    [LoggerMessage(EventId = 90, Level = LogLevel.Debug, Message = "Quiet: gave memory back, resident {BeforeMiB} MiB -> {AfterMiB} MiB")]
    public static partial void MemoryTrimmed(ILogger logger, long beforeMiB, long afterMiB);
}
