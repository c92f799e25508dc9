using System.Net;

namespace Lava.Kernel;

/// <summary>What a dialing node presents in its handshake.</summary>
/// <param name="Node">The incarnation that dials in; its address names its system.</param>
/// <param name="Roles">The roles it claims (<c>akka.cluster.roles</c> on its side).</param>
/// <param name="Credential">An opaque blob the policy interprets (a worker name and token, say).</param>
/// <param name="RemoteEndPoint">The TCP peer, when known.</param>
public sealed record AdmissionRequest(UniqueAddress Node, IReadOnlyList<string> Roles, ReadOnlyMemory<byte> Credential, IPEndPoint? RemoteEndPoint);

/// <summary>The answer of an <see cref="IAdmissionPolicy"/>; a refusal's reason is sent to the dialing node.</summary>
public sealed record AdmissionDecision(bool Accepted, string Reason)
{
    /// <summary>Admits the node.</summary>
    public static AdmissionDecision Accept { get; } = new(true, "");

    /// <summary>Refuses the node; <paramref name="reason"/> is sent to it and logged.</summary>
    public static AdmissionDecision Refuse(string reason) => new(false, reason);
}

/// <summary>
/// Decides whether a node that dialed in may join the listening side. Called once per connection,
/// after TLS and before any actor message flows; a refused connection is closed with the reason.
/// Exceptions count as refusals.
/// </summary>
public interface IAdmissionPolicy
{
    ValueTask<AdmissionDecision> AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken);
}

/// <summary>Admits every node; for tests and single-machine setups.</summary>
public sealed class AcceptAllAdmissionPolicy : IAdmissionPolicy
{
    public static AcceptAllAdmissionPolicy Instance { get; } = new();

    /// <summary>Always <see cref="AdmissionDecision.Accept"/>.</summary>
    public ValueTask<AdmissionDecision> AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AdmissionDecision.Accept);
}

/// <summary>The listening side refused the handshake; <see cref="Reason"/> is what its admission policy said.</summary>
public sealed class RemoteAdmissionRefusedException : ActorKernelException
{
    public RemoteAdmissionRefusedException(string reason) : base($"the remote node refused the connection: {reason}") => Reason = reason;

    /// <summary>What the admission policy of the listening side said.</summary>
    public string Reason { get; }
}

/// <summary>A connection to another node could not be made (TLS, pinning, handshake or network failure).</summary>
public sealed class RemoteConnectionException : ActorKernelException
{
    public RemoteConnectionException(string message, Exception? cause = null) : base(message, cause)
    {
    }
}

/// <summary>
/// The cause of a <see cref="Status.Failure"/> that came from another node: the exception itself does not
/// cross, only its type name and message.
/// </summary>
public sealed class RemoteFailureException : ActorKernelException
{
    public RemoteFailureException(string originalType, string message) : base(message) => OriginalType = originalType;

    /// <summary>The full type name of the exception on the node that failed.</summary>
    public string OriginalType { get; }
}

/// <summary><see cref="ActorSelection.ResolveOne"/> found no actor at the path.</summary>
public sealed class ActorNotFoundException : ActorKernelException
{
    public ActorNotFoundException(string path, Exception? cause = null) : base($"no actor at [{path}]", cause)
    {
    }
}
