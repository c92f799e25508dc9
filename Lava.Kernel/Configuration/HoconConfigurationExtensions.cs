using Microsoft.Extensions.Configuration;

namespace Lava.Kernel.Configuration;

/// <summary>Registers HOCON sources on an <see cref="IConfigurationBuilder"/>.</summary>
public static class HoconConfigurationExtensions
{
    /// <summary>
    /// Adds the HOCON file at <paramref name="path"/>; its includes and substitutions are resolved when
    /// the configuration is built. Later sources override it, as usual for <see cref="IConfigurationBuilder"/>.
    /// </summary>
    /// <param name="optional">When true, a missing file adds no keys instead of failing the build.</param>
    public static IConfigurationBuilder AddHocon(this IConfigurationBuilder builder, string path, bool optional = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return builder.Add(new HoconConfigurationSource { Path = path, Optional = optional });
    }

    /// <summary>Adds an existing <see cref="Config"/> (for example one built with fallbacks); it is resolved when the configuration is built.</summary>
    public static IConfigurationBuilder AddHocon(this IConfigurationBuilder builder, Config config)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(config);
        return builder.Add(new HoconConfigurationSource { Config = config });
    }
}
