using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Lava.Actors.Security;

namespace Lava.Actors.Cluster;

/// <summary>
/// <c>/user/node-identity</c> on every node: answers a master's <see cref="ProveIdentity"/> with
/// <see cref="IdentityProven"/>, signed with the key of this node's certificate. Akka.NET does not bind a member's
/// address and roles to the certificate of its TLS connection, so this signature is what ties them together.
/// </summary>
public sealed class NodeIdentityActor : ReceiveActor
{
    /// <summary>The actor's name under /user.</summary>
    public const string Name = "node-identity";

    /// <summary>The actor's path on every node.</summary>
    public const string Path = "/user/" + Name;

    public NodeIdentityActor(X509Certificate2 certificate, string claimedName)
    {
        var cluster = Akka.Cluster.Cluster.Get(Context.System);
        Receive<ProveIdentity>(challenge =>
        {
            var proof = IdentityProofs.Sign(certificate, challenge.Nonce, cluster.SelfUniqueAddress.ToString(), claimedName, [.. cluster.SelfRoles]);
            Sender.Tell(new IdentityProven(claimedName, proof.CertificateDer, proof.Signature));
        });
    }

    /// <summary>Props of the identity of a node holding <paramref name="certificate"/>; it claims the certificate's own name.</summary>
    public static Props Props(X509Certificate2 certificate) =>
        Props(certificate, certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false));

    /// <summary>Props of an identity that claims <paramref name="claimedName"/>, whatever its certificate says.</summary>
    public static Props Props(X509Certificate2 certificate, string claimedName) =>
        Akka.Actor.Props.Create(() => new NodeIdentityActor(certificate, claimedName));
}
