using System.Globalization;
using Akka.Actor.Setup;
using Akka.Hosting;
using Akka.Hosting.Coordination;
using Lava.Actors.Persistence;

namespace Lava.Actors.Coordination;

/// <summary>
/// The <see cref="PostgreSqlLease"/> for Akka.Hosting: <c>new ClusterSingletonOptions { LeaseImplementation =
/// new PostgreSqlLeaseOption { ConnectionString = ... } }</c> writes the lease's section (<see cref="ToHocon"/>) and
/// points the singleton's <c>use-lease</c> at it. The defaults are those of <c>lava.coordination.lease.postgresql</c>.
/// </summary>
public sealed class PostgreSqlLeaseOption : LeaseOptionBase
{
    /// <summary>Npgsql connection string of the lease database.</summary>
    public required string ConnectionString { get; init; }

    /// <summary>Schema of <c>lava_lease</c> and <c>lava_lease_history</c>, created when missing.</summary>
    public string SchemaName { get; init; } = "public";

    /// <summary>The time to live of a renewal: another owner may take the lease from a silent holder only this long after its last renewal.</summary>
    public TimeSpan HeartbeatTimeout { get; init; } = TimeSpan.FromSeconds(12);

    /// <summary>How often the holder renews.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How much earlier than the row's expiry a holder that cannot renew gives the lease up.</summary>
    public TimeSpan SafetyMargin { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long one acquire or release may take before it fails with a <c>LeaseTimeoutException</c>.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Where the section is written; <see cref="PostgreSqlLease.ConfigPath"/> unless two lease databases are used.</summary>
    public string Path { get; init; } = PostgreSqlLease.ConfigPath;

    /// <inheritdoc />
    public override string ConfigPath => Path;

    /// <inheritdoc />
    public override Type Class => typeof(PostgreSqlLease);

    /// <inheritdoc />
    public override void Apply(AkkaConfigurationBuilder builder, Setup? setup = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddHocon(ToHocon(), HoconAddMode.Prepend);
    }

    /// <summary>The lease's section as HOCON, for an <c>ActorSystem</c> built from configuration.</summary>
    public string ToHocon() => $$"""
        {{Path}} {
          lease-class = "{{Class.FullName}}, {{Class.Assembly.GetName().Name}}"
          connection-string = {{HoconText.Quote(ConnectionString)}}
          schema-name = {{HoconText.Quote(SchemaName)}}
          heartbeat-timeout = {{Millis(HeartbeatTimeout)}}
          heartbeat-interval = {{Millis(HeartbeatInterval)}}
          safety-margin = {{Millis(SafetyMargin)}}
          lease-operation-timeout = {{Millis(OperationTimeout)}}
        }
        """;

    private static string Millis(TimeSpan value) => ((long)value.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms";
}
