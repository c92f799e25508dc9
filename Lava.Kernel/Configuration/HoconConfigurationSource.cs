using Microsoft.Extensions.Configuration;

namespace Lava.Kernel.Configuration;

/// <summary>
/// An <see cref="IConfigurationSource"/> backed by a HOCON file or an existing <see cref="Config"/>.
/// Exactly one of <see cref="Path"/> and <see cref="Config"/> is used; <see cref="Config"/> wins when both are set.
/// </summary>
public sealed class HoconConfigurationSource : IConfigurationSource
{
    /// <summary>HOCON file to load (relative paths resolve against the current directory).</summary>
    public string? Path { get; init; }

    /// <summary>A configuration to expose as is; resolved when the provider loads.</summary>
    public Config? Config { get; init; }

    /// <summary>When true, a missing <see cref="Path"/> yields no keys instead of an error.</summary>
    public bool Optional { get; init; }

    /// <inheritdoc />
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new HoconConfigurationProvider(this);
}
