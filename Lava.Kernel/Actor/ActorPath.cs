using System.Text;

namespace Lava.Kernel;

/// <summary>
/// Where an actor lives: the address of its system (<c>lava://SYSTEM</c> locally,
/// <c>lava://SYSTEM@HOST:PORT</c> across nodes) and the names from the root down.
/// Two paths are equal when their addresses and elements are equal; the incarnation
/// (<see cref="Uid"/>) is compared by <see cref="IActorRef"/> equality, not here.
/// </summary>
public sealed class ActorPath : IEquatable<ActorPath>
{
    private ActorPath(Address address, ActorPath? parent, string name, long uid)
    {
        Address = address;
        Parent = parent;
        Name = name;
        Uid = uid;
        Depth = parent is null ? 0 : parent.Depth + 1;
    }

    /// <summary>The root path of a system: <c>lava://SYSTEM/</c>.</summary>
    public static ActorPath Root(Address address) => new(address, null, "", 0);

    public Address Address { get; }

    /// <summary>The parent path, or null for the root.</summary>
    public ActorPath? Parent { get; }

    /// <summary>The last element; empty for the root.</summary>
    public string Name { get; }

    /// <summary>The incarnation of the actor at this path; 0 when unknown.</summary>
    public long Uid { get; }

    public int Depth { get; }

    /// <summary>A child path of this one.</summary>
    public ActorPath Child(string name, long uid = 0) => new(Address, this, name, uid);

    /// <summary>The same path with another incarnation number.</summary>
    public ActorPath WithUid(long uid) => new(Address, Parent, Name, uid);

    /// <summary>The names from the root down, without the address.</summary>
    public IReadOnlyList<string> Elements
    {
        get
        {
            var elements = new string[Depth];
            for (var p = this; p.Parent is not null; p = p.Parent)
            {
                elements[p.Depth - 1] = p.Name;
            }
            return elements;
        }
    }

    /// <summary>The path without the address, e.g. <c>/user/parent/child</c>.</summary>
    public string ToStringWithoutAddress()
    {
        if (Parent is null) return "/";
        var sb = new StringBuilder();
        foreach (var element in Elements) sb.Append('/').Append(element);
        return sb.ToString();
    }

    public override string ToString() => Address + ToStringWithoutAddress();

    public bool Equals(ActorPath? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || other.Depth != Depth || other.Name != Name) return false;
        return Equals(Parent, other.Parent) && (Parent is not null || Address.Equals(other.Address));
    }

    public override bool Equals(object? obj) => obj is ActorPath other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Parent?.GetHashCode() ?? Address.GetHashCode(), Name);

    /// <summary>
    /// Parses <c>lava://SYSTEM[@HOST:PORT]/a/b</c>; fails with a message naming the path.
    /// </summary>
    public static ActorPath Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        const string scheme = "lava://";
        if (!path.StartsWith(scheme, StringComparison.Ordinal))
            throw new FormatException($"actor path '{path}' must start with '{scheme}'");
        var rest = path[scheme.Length..];
        var slash = rest.IndexOf('/');
        var address = Address.Parse(scheme + (slash < 0 ? rest : rest[..slash]));
        var result = Root(address);
        if (slash < 0) return result;
        foreach (var element in rest[(slash + 1)..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            result = result.Child(Uri.UnescapeDataString(element));
        }
        return result;
    }
}

/// <summary>
/// The address of an actor system: its name and, once it is reachable from other nodes, host and port.
/// </summary>
public sealed record Address(string System, string? Host = null, int? Port = null)
{
    public bool HasLocalScope => Host is null;

    public override string ToString() =>
        Host is null ? $"lava://{System}" : $"lava://{System}@{FormatHost(Host)}:{Port}";

    private static string FormatHost(string host) => host.Contains(':') && !host.StartsWith('[') ? $"[{host}]" : host;

    /// <summary>Parses <c>lava://SYSTEM</c> or <c>lava://SYSTEM@HOST:PORT</c>.</summary>
    public static Address Parse(string text)
    {
        const string scheme = "lava://";
        if (!text.StartsWith(scheme, StringComparison.Ordinal))
            throw new FormatException($"address '{text}' must start with '{scheme}'");
        var rest = text[scheme.Length..].TrimEnd('/');
        var at = rest.IndexOf('@');
        if (at < 0) return new Address(rest);
        var hostPort = rest[(at + 1)..];
        var colon = hostPort.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(hostPort[(colon + 1)..], out var port) || port is < 0 or > 65535)
            throw new FormatException($"address '{text}' needs HOST:PORT after '@'");
        return new Address(rest[..at], hostPort[..colon].Trim('[', ']'), port);
    }
}
