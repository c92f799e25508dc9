using Lava.Kernel.Configuration;

namespace Lava.Kernel;

/// <summary>
/// How a <see cref="ClusterSingletonProxy"/> finds the singleton, as Akka's <c>ClusterSingletonProxySettings</c>;
/// <see cref="Create"/> reads <c>akka.cluster.singleton-proxy.*</c> (see <c>hocon/reference.conf</c>).
/// </summary>
/// <param name="SingletonName">The singleton's name under its manager; the same as the manager's setting.</param>
/// <param name="Role">The role of the members that may run the singleton; null for any member.</param>
/// <param name="BufferSize">Messages kept while no singleton is known; beyond that the oldest is dropped. 0 keeps none.</param>
/// <param name="SingletonIdentificationInterval">How often the proxy asks the oldest member for the singleton until it answers; 1 s when zero.</param>
public sealed record ClusterSingletonProxySettings(
    string SingletonName = "singleton",
    string? Role = "master",
    int BufferSize = 1000,
    TimeSpan SingletonIdentificationInterval = default)
{
    /// <summary>How often the proxy asks the oldest member for the singleton until it answers; 1 s by default.</summary>
    public TimeSpan SingletonIdentificationInterval { get; init; } =
        SingletonIdentificationInterval == default ? TimeSpan.FromSeconds(1) : SingletonIdentificationInterval;

    /// <summary>Reads <c>akka.cluster.singleton-proxy.*</c>; an empty role means any member.</summary>
    public static ClusterSingletonProxySettings Create(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var defaults = new ClusterSingletonProxySettings();
        var role = config.GetString("akka.cluster.singleton-proxy.role", defaults.Role ?? "");
        var settings = new ClusterSingletonProxySettings(
            SingletonName: config.GetString("akka.cluster.singleton-proxy.singleton-name", defaults.SingletonName),
            Role: role.Length == 0 ? null : role,
            BufferSize: config.GetInt("akka.cluster.singleton-proxy.buffer-size", defaults.BufferSize))
        {
            SingletonIdentificationInterval = config.GetTimeSpan("akka.cluster.singleton-proxy.singleton-identification-interval", defaults.SingletonIdentificationInterval),
        };
        settings.Validate();
        return settings;
    }

    /// <summary>Throws when a value cannot work.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(SingletonName);
        ArgumentOutOfRangeException.ThrowIfNegative(BufferSize);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SingletonIdentificationInterval, TimeSpan.Zero);
    }
}
