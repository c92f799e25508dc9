using Lava.Kernel.Configuration;

namespace Lava.Kernel;

/// <summary>
/// How a <see cref="ClusterSingletonManager"/> runs its singleton, as Akka's <c>ClusterSingletonManagerSettings</c>;
/// <see cref="Create"/> reads <c>akka.cluster.singleton.*</c> (see <c>hocon/reference.conf</c>).
/// </summary>
/// <param name="SingletonName">Name of the singleton child of the manager; its path is <c>MANAGER-PATH/SingletonName</c>.</param>
/// <param name="Role">The singleton runs on the oldest Up member with this role; null for any member.</param>
/// <param name="HandOverRetryInterval">How often a new oldest asks a leaving previous oldest to hand over; 1 s when zero.</param>
/// <param name="Lease">
/// Creates the lease the oldest must hold while the singleton runs, so that two members that both consider
/// themselves oldest (a network partition) never run it together; null for none.
/// </param>
/// <param name="LeaseRetryInterval">How often the oldest retries taking a lease held by somebody else; 1 s when zero.</param>
public sealed record ClusterSingletonManagerSettings(
    string SingletonName = "singleton",
    string? Role = "master",
    TimeSpan HandOverRetryInterval = default,
    Func<ILease>? Lease = null,
    TimeSpan LeaseRetryInterval = default)
{
    /// <summary>How often a new oldest asks a leaving previous oldest to hand over; 1 s by default.</summary>
    public TimeSpan HandOverRetryInterval { get; init; } = HandOverRetryInterval == default ? TimeSpan.FromSeconds(1) : HandOverRetryInterval;

    /// <summary>How often the oldest retries taking a lease held by somebody else; 1 s by default.</summary>
    public TimeSpan LeaseRetryInterval { get; init; } = LeaseRetryInterval == default ? TimeSpan.FromSeconds(1) : LeaseRetryInterval;

    /// <summary>
    /// How long the manager waits for the singleton to stop after sending it the termination message before it
    /// stops it outright (on hand-over, shutdown and lease loss); 2 s by default. Keep it below the lease's safety
    /// margin, so that a singleton whose lease is lost has stopped before anybody else can take the lease.
    /// </summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Reads <c>akka.cluster.singleton.*</c>; an empty role means any member. The lease is code-only: pass it with <c>with { Lease = ... }</c>.</summary>
    public static ClusterSingletonManagerSettings Create(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var defaults = new ClusterSingletonManagerSettings();
        var role = config.GetString("akka.cluster.singleton.role", defaults.Role ?? "");
        var settings = new ClusterSingletonManagerSettings(
            SingletonName: config.GetString("akka.cluster.singleton.singleton-name", defaults.SingletonName),
            Role: role.Length == 0 ? null : role)
        {
            HandOverRetryInterval = config.GetTimeSpan("akka.cluster.singleton.hand-over-retry-interval", defaults.HandOverRetryInterval),
            LeaseRetryInterval = config.GetTimeSpan("akka.cluster.singleton.lease-retry-interval", defaults.LeaseRetryInterval),
            StopTimeout = config.GetTimeSpan("akka.cluster.singleton.stop-timeout", defaults.StopTimeout),
        };
        settings.Validate();
        return settings;
    }

    /// <summary>Throws when a value cannot work.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(SingletonName);
        if (SingletonName.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"singleton name '{SingletonName}' must be one path element", nameof(SingletonName));
        }
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(HandOverRetryInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(LeaseRetryInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StopTimeout, TimeSpan.Zero);
    }
}
