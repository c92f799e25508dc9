using System.Collections.Immutable;
using Lava.Kernel.Configuration;

namespace Lava.Kernel;

/// <summary>
/// How a node's transport behaves, read from <c>akka.remote.*</c> (see <c>hocon/reference.conf</c>
/// for each key). The record's defaults are those of reference.conf.
/// </summary>
public sealed record RemoteSettings
{
    /// <summary><c>akka.remote.hostname</c>: the host bound by the listening side and advertised by every node; 127.0.0.1 by default.</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary><c>akka.remote.port</c>: the port bound by the listening side, 0 for any free one; 0 by default.</summary>
    public int Port { get; init; }

    /// <summary><c>akka.remote.certificate-path</c>: PFX or PEM file of the listening side; empty by default.</summary>
    public string CertificatePath { get; init; } = "";

    /// <summary><c>akka.remote.certificate-password</c>: the PFX password; empty by default.</summary>
    public string CertificatePassword { get; init; } = "";

    /// <summary><c>akka.remote.handshake-timeout</c>: 10 s by default.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>akka.remote.maximum-frame-size</c>: the largest serialized message in bytes; 4 MiB by default.</summary>
    public int MaximumFrameSize { get; init; } = 4 * 1024 * 1024;

    /// <summary><c>akka.remote.chunk-size</c>: fragment and batch size in bytes; 64 KiB by default.</summary>
    public int ChunkSize { get; init; } = 64 * 1024;

    /// <summary><c>akka.remote.shutdown-timeout</c>: 5 s by default.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary><c>akka.remote.reconnect.min-backoff</c>: 100 ms by default.</summary>
    public TimeSpan ReconnectMinBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary><c>akka.remote.reconnect.max-backoff</c>: 5 s by default.</summary>
    public TimeSpan ReconnectMaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// <c>akka.remote.reconnect.give-up-after</c>: how long a node may stay disconnected before it is
    /// removed; <see cref="Timeout.InfiniteTimeSpan"/> ("off") leaves removal to membership. 60 s by default.
    /// </summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary><c>akka.cluster.roles</c>: the roles announced in the handshake; none by default.</summary>
    public ImmutableArray<string> Roles { get; init; } = [];

    /// <summary>Reads the settings from <paramref name="config"/>; missing keys keep their defaults.</summary>
    public static RemoteSettings Create(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var defaults = new RemoteSettings();
        var settings = new RemoteSettings
        {
            Hostname = config.GetString("akka.remote.hostname", defaults.Hostname),
            Port = config.GetInt("akka.remote.port", defaults.Port),
            CertificatePath = config.GetString("akka.remote.certificate-path", defaults.CertificatePath),
            CertificatePassword = config.GetString("akka.remote.certificate-password", defaults.CertificatePassword),
            HandshakeTimeout = config.GetTimeSpan("akka.remote.handshake-timeout", defaults.HandshakeTimeout),
            MaximumFrameSize = checked((int)config.GetByteSize("akka.remote.maximum-frame-size", defaults.MaximumFrameSize)),
            ChunkSize = checked((int)config.GetByteSize("akka.remote.chunk-size", defaults.ChunkSize)),
            ShutdownTimeout = config.GetTimeSpan("akka.remote.shutdown-timeout", defaults.ShutdownTimeout),
            ReconnectMinBackoff = config.GetTimeSpan("akka.remote.reconnect.min-backoff", defaults.ReconnectMinBackoff),
            ReconnectMaxBackoff = config.GetTimeSpan("akka.remote.reconnect.max-backoff", defaults.ReconnectMaxBackoff),
            GiveUpAfter = config.GetString("akka.remote.reconnect.give-up-after", "60s") is "off" or "false"
                ? Timeout.InfiniteTimeSpan
                : config.GetTimeSpan("akka.remote.reconnect.give-up-after", defaults.GiveUpAfter),
            Roles = [.. config.GetStringList("akka.cluster.roles", [])],
        };
        settings.Validate();
        return settings;
    }

    /// <summary>Throws when a value cannot work (a chunk bigger than a frame, a negative backoff).</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Hostname);
        ArgumentOutOfRangeException.ThrowIfLessThan(Port, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535);
        ArgumentOutOfRangeException.ThrowIfLessThan(ChunkSize, 1024);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaximumFrameSize, ChunkSize);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReconnectMinBackoff, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReconnectMaxBackoff, ReconnectMinBackoff);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HandshakeTimeout, TimeSpan.Zero);
    }
}
