using Lava.Kernel.Configuration;

namespace Lava.Kernel;

/// <summary>
/// Settings of <see cref="PostgreSqlLease"/>, read from <c>lava.coordination.lease.postgresql</c> (see
/// <c>hocon/reference.conf</c>). The record's defaults are those of reference.conf.
/// </summary>
/// <param name="ConnectionString">Npgsql connection string, e.g. <c>Host=db;Port=5432;Username=lava;Database=lava</c>.</param>
public sealed record PostgreSqlLeaseSettings(string ConnectionString)
{
    /// <summary>Where <see cref="Create"/> reads the settings.</summary>
    public const string ConfigPath = "lava.coordination.lease.postgresql";

    /// <summary>PostgreSQL schema of the lease tables; <c>public</c> by default. Created when missing.</summary>
    public string SchemaName { get; init; } = "public";

    /// <summary>
    /// <c>heartbeat-timeout</c>: the lease's time to live. The row expires this long after its last renewal,
    /// and only then may another owner take it from a holder that stopped renewing; 12 s by default.
    /// </summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(12);

    /// <summary><c>heartbeat-interval</c>: how often the holder renews; 2 s by default.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// <c>safety-margin</c>: how much earlier than the row's expiry the holder gives the lease up when it cannot
    /// renew, so that it has stopped what the lease guards before anybody else can take it; 3 s by default.
    /// </summary>
    public TimeSpan SafetyMargin { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Reads <c>lava.coordination.lease.postgresql</c> from <paramref name="config"/> and validates it.</summary>
    /// <exception cref="ConfigException">A value is missing or cannot work; the message names the key.</exception>
    public static PostgreSqlLeaseSettings Create(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var defaults = new PostgreSqlLeaseSettings("");
        var settings = new PostgreSqlLeaseSettings(config.GetString($"{ConfigPath}.connection-string", ""))
        {
            SchemaName = config.GetString($"{ConfigPath}.schema-name", defaults.SchemaName),
            HeartbeatTimeout = config.GetTimeSpan($"{ConfigPath}.heartbeat-timeout", defaults.HeartbeatTimeout),
            HeartbeatInterval = config.GetTimeSpan($"{ConfigPath}.heartbeat-interval", defaults.HeartbeatInterval),
            SafetyMargin = config.GetTimeSpan($"{ConfigPath}.safety-margin", defaults.SafetyMargin),
        };
        settings.Validate();
        return settings;
    }

    /// <summary>Throws a <see cref="ConfigException"/> naming the key of a value that cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ConnectionString))
        {
            throw Invalid("connection-string", "is empty: set the Npgsql connection string of the lease database");
        }
        if (string.IsNullOrWhiteSpace(SchemaName))
        {
            throw Invalid("schema-name", "is empty");
        }
        if (HeartbeatInterval <= TimeSpan.Zero)
        {
            throw Invalid("heartbeat-interval", $"must be positive, not {HeartbeatInterval}");
        }
        if (SafetyMargin < TimeSpan.Zero)
        {
            throw Invalid("safety-margin", $"must not be negative, not {SafetyMargin}");
        }
        if (HeartbeatTimeout <= SafetyMargin + HeartbeatInterval)
        {
            throw Invalid(
                "heartbeat-timeout",
                $"({HeartbeatTimeout}) must be longer than safety-margin ({SafetyMargin}) plus heartbeat-interval ({HeartbeatInterval}), " +
                "or the holder would give the lease up before its first renewal");
        }
    }

    /// <summary>The local deadline after a renewal sent at some instant: the time to live minus the safety margin.</summary>
    internal TimeSpan LocalValidity => HeartbeatTimeout - SafetyMargin;

    private static ConfigException Invalid(string key, string problem) => new($"{ConfigPath}.{key} {problem}.");
}
