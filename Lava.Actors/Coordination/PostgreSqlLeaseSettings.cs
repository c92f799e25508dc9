using Akka.Configuration;
using Akka.Coordination;

namespace Lava.Actors.Coordination;

/// <summary>
/// What a <see cref="PostgreSqlLease"/> runs with, read from its lease configuration (by default
/// <c>lava.coordination.lease.postgresql</c>, over Akka's <c>akka.coordination.lease</c>).
/// </summary>
internal sealed record PostgreSqlLeaseSettings(
    string ConnectionString,
    string SchemaName,
    TimeSpan HeartbeatTimeout,
    TimeSpan HeartbeatInterval,
    TimeSpan SafetyMargin,
    TimeSpan OperationTimeout)
{
    /// <summary>The time a renewal keeps the lease valid in the holder's own view: the time to live minus the safety margin.</summary>
    public TimeSpan LocalValidity => HeartbeatTimeout - SafetyMargin;

    /// <summary>Reads and checks the settings; an unworkable value is a <see cref="ConfigurationException"/> naming its key.</summary>
    public static PostgreSqlLeaseSettings Create(LeaseSettings lease)
    {
        var config = lease.LeaseConfig;
        var settings = new PostgreSqlLeaseSettings(
            config.GetString("connection-string", ""),
            config.GetString("schema-name", "public"),
            lease.TimeoutSettings.HeartbeatTimeout,
            lease.TimeoutSettings.HeartbeatInterval,
            SafetyMarginOf(config, lease.LeaseName),
            lease.TimeoutSettings.OperationTimeout);
        if (string.IsNullOrWhiteSpace(settings.ConnectionString))
        {
            throw Invalid("connection-string", "is empty: set the Npgsql connection string of the lease database");
        }
        if (string.IsNullOrWhiteSpace(settings.SchemaName))
        {
            throw Invalid("schema-name", "is empty");
        }
        if (settings.HeartbeatInterval <= TimeSpan.Zero)
        {
            throw Invalid("heartbeat-interval", $"must be positive, not {settings.HeartbeatInterval}");
        }
        if (settings.HeartbeatTimeout <= settings.SafetyMargin + settings.HeartbeatInterval)
        {
            throw Invalid("heartbeat-timeout",
                $"({settings.HeartbeatTimeout}) must be longer than safety-margin ({settings.SafetyMargin}) plus heartbeat-interval " +
                $"({settings.HeartbeatInterval}), or the holder would give the lease up before its first renewal");
        }
        return settings;

        ConfigurationException Invalid(string key, string problem) => Problem(lease.LeaseName, key, problem);
    }

    private static TimeSpan SafetyMarginOf(Config config, string leaseName)
    {
        try
        {
            return config.GetTimeSpan("safety-margin", TimeSpan.FromSeconds(3), allowInfinite: false);
        }
        catch (FormatException e)
        {
            throw Problem(leaseName, "safety-margin", $"is not a duration: {e.Message}");
        }
    }

    private static ConfigurationException Problem(string leaseName, string key, string problem) => new($"Lease '{leaseName}': {key} {problem}.");
}
