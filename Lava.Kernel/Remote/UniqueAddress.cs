using System.Globalization;

namespace Lava.Kernel;

/// <summary>
/// One incarnation of a node: its <see cref="Address"/> plus a random <see cref="Uid"/> drawn when its
/// transport starts. A node restarted at the same address is a new incarnation with another uid, so
/// anything that concerned the old one (watches, membership) can be ended without touching the new.
/// A node that only dials out has port 0 in its address: its identity is its system name and host,
/// and a second connection from the same address with another uid replaces the first.
/// </summary>
public sealed record UniqueAddress(Address Address, long Uid)
{
    /// <summary>A fresh incarnation of <paramref name="address"/> with a random non-zero uid.</summary>
    public static UniqueAddress NewIncarnation(Address address)
    {
        long uid;
        do
        {
            uid = Random.Shared.NextInt64();
        }
        while (uid == 0);
        return new UniqueAddress(address, uid);
    }

    public override string ToString() => Address + "#" + Uid.ToString(CultureInfo.InvariantCulture);
}
