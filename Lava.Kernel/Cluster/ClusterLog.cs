using Microsoft.Extensions.Logging;

namespace Lava.Kernel.Membership;

/// <summary>The log messages of membership (category <c>Lava.Kernel.Cluster</c>), with stable event ids in the 5000 range.</summary>
internal static partial class ClusterLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Cluster node {Node} started with roles [{Roles}]")]
    public static partial void Started(ILogger logger, UniqueAddress node, string roles);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Member {Address} is Joining (roles: {Roles})")]
    public static partial void MemberJoining(ILogger logger, Address address, string roles);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Member {Address} is Up (roles: {Roles})")]
    public static partial void MemberUp(ILogger logger, Address address, string roles);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Information, Message = "Member {Address} is Leaving (roles: {Roles})")]
    public static partial void MemberLeaving(ILogger logger, Address address, string roles);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "Member {Address} is Exiting (roles: {Roles})")]
    public static partial void MemberExiting(ILogger logger, Address address, string roles);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "Member {Address} is Down (roles: {Roles})")]
    public static partial void MemberDown(ILogger logger, Address address, string roles);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Information, Message = "Member {Address} is Removed (previous status {PreviousStatus}, roles: {Roles})")]
    public static partial void MemberRemoved(ILogger logger, Address address, MemberStatus previousStatus, string roles);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Information, Message = "Member {Address} is unreachable (roles: {Roles})")]
    public static partial void MemberUnreachable(ILogger logger, Address address, string roles);

    [LoggerMessage(EventId = 5008, Level = LogLevel.Information, Message = "Member {Address} is reachable again (roles: {Roles})")]
    public static partial void MemberReachable(ILogger logger, Address address, string roles);

    [LoggerMessage(EventId = 5009, Level = LogLevel.Information, Message = "Leader is now {Leader}")]
    public static partial void LeaderChanged(ILogger logger, string leader);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Information, Message = "Leader is downing {Node}: unreachable for {Duration}")]
    public static partial void AutoDowning(ILogger logger, UniqueAddress node, TimeSpan duration);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Information, Message = "Joining the cluster through {Host}:{Port}")]
    public static partial void Joining(ILogger logger, string host, int port);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Warning, Message = "Join from {Node} ignored: {Reason}")]
    public static partial void JoinIgnored(ILogger logger, UniqueAddress node, string reason);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Warning, Message = "A membership callback failed")]
    public static partial void CallbackFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5014, Level = LogLevel.Warning, Message = "Ignored {Request} from {Sender}: {Reason}; further ones like it are ignored silently")]
    public static partial void RequestIgnored(ILogger logger, string request, string sender, string reason);

    [LoggerMessage(EventId = 5015, Level = LogLevel.Information, Message = "Leader removes Exiting member {Node}: {Reason}")]
    public static partial void ExitingRemoved(ILogger logger, UniqueAddress node, string reason);

    [LoggerMessage(EventId = 5019, Level = LogLevel.Warning, Message = "Ignored a heartbeat for {Node} sent by {Sender}; further ones from that sender are ignored silently")]
    public static partial void ForgedHeartbeat(ILogger logger, UniqueAddress node, string sender);

    [LoggerMessage(EventId = 5016, Level = LogLevel.Warning, Message = "This node was not removed within {Timeout} of confirming its exit; shutting down goes on")]
    public static partial void ExitNotConfirmed(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 5017, Level = LogLevel.Warning, Message = "The exiting tasks did not finish within {Timeout}; the exit is confirmed anyway")]
    public static partial void ExitingTasksTimedOut(ILogger logger, TimeSpan timeout);

    [LoggerMessage(EventId = 5018, Level = LogLevel.Warning, Message = "Exiting task {Task} failed")]
    public static partial void ExitingTaskFailed(ILogger logger, Exception exception, string task);
}
