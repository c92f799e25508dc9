using Lava.Actors.Wire;

namespace Lava.Actors.Jobs.Running;

/// <summary>
/// MultiNode's synchronisation calls (spec §1.9, LAVA's <c>lava-send</c>, <c>lava-wait</c>, <c>lava-wait-all</c>,
/// <c>lava-sync</c>) as a device side asks its job's supervisor to serve them. The supervisors of a group answer them
/// among themselves through the cluster; there is no coordinator daemon.
/// </summary>
public static class MultinodeCalls
{
    /// <summary><c>lava-send ID [key=value...]</c>: publishes the message to the group; answered at once, after it is journaled.</summary>
    public const string Send = "send";

    /// <summary><c>lava-wait ID</c>: waits until another member of the group has sent ID; answered with every member's that has.</summary>
    public const string Wait = "wait";

    /// <summary><c>lava-wait-all ID [ROLE]</c>: waits until every other member (of ROLE when given) has sent ID.</summary>
    public const string WaitAll = "wait-all";

    /// <summary><c>lava-sync ID</c>: sends ID, then waits until every other member has sent it too.</summary>
    public const string Sync = "sync";

    /// <summary>The calls a <see cref="MultinodeRequest"/> may name.</summary>
    public static readonly IReadOnlySet<string> All = new HashSet<string>([Send, Wait, WaitAll, Sync], StringComparer.Ordinal);
}

/// <summary>
/// The device side running job <paramref name="JobId"/> asks its supervisor to serve MultiNode call
/// <paramref name="Call"/> (one of <see cref="MultinodeCalls"/>) for message <paramref name="MessageId"/>. Answered with
/// <see cref="MultinodeAnswer"/> once the call is satisfied; <paramref name="Seq"/> numbers the job's calls, so a
/// request sent again (no answer yet, or a master restart) is served once.
/// </summary>
[WireManifest("lava.device.multinode-request.v1")]
public sealed record MultinodeRequest(
    long JobId, long Seq, string Call, string MessageId, string? Role, IReadOnlyDictionary<string, string> Data) : ILavaWireMessage;

/// <summary>
/// Call <paramref name="Seq"/> of job <paramref name="JobId"/> is satisfied: <paramref name="Messages"/> are the
/// members' messages it waited for (empty for a send), or <paramref name="Error"/> says why it cannot be.
/// </summary>
[WireManifest("lava.device.multinode-answer.v1")]
public sealed record MultinodeAnswer(long JobId, long Seq, IReadOnlyList<MultinodeMessage> Messages, string? Error = null) : ILavaWireMessage;

/// <summary>What member <paramref name="JobId"/> (role <paramref name="Role"/>) sent with a message.</summary>
public sealed record MultinodeMessage(long JobId, string Role, IReadOnlyDictionary<string, string> Data);
