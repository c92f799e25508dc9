using System.Collections.Immutable;
using System.Globalization;
using Lava.Kernel.Configuration;

namespace Lava.Kernel;

/// <summary>
/// How membership behaves, read from <c>akka.cluster.*</c> (see <c>hocon/reference.conf</c> for each key).
/// The record's defaults are those of reference.conf.
/// </summary>
public sealed record ClusterSettings
{
    /// <summary><c>akka.cluster.roles</c>: this node's roles (the transport presents them in its handshake); none by default.</summary>
    public ImmutableSortedSet<string> Roles { get; init; } = [];

    /// <summary><c>akka.cluster.failure-detector.heartbeat-interval</c>: 1 s by default.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary><c>akka.cluster.failure-detector.threshold</c>: the phi above which a node is unreachable; 8 by default.</summary>
    public double FailureDetectorThreshold { get; init; } = 8.0;

    /// <summary><c>akka.cluster.failure-detector.max-sample-size</c>: heartbeat intervals kept per node; 1000 by default.</summary>
    public int FailureDetectorMaxSampleSize { get; init; } = 1000;

    /// <summary><c>akka.cluster.failure-detector.min-std-deviation</c>: 100 ms by default.</summary>
    public TimeSpan FailureDetectorMinStdDeviation { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary><c>akka.cluster.failure-detector.acceptable-heartbeat-pause</c>: 3 s by default.</summary>
    public TimeSpan AcceptableHeartbeatPause { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// <c>akka.cluster.failure-detector.expected-response-after</c>: when a newly monitored node has not sent
    /// its first heartbeat after this long, it is monitored as if it had (so that a node never heard from
    /// still becomes unreachable); 1 s by default.
    /// </summary>
    public TimeSpan ExpectedResponseAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary><c>akka.cluster.unreachable-nodes-reaper-interval</c>: how often the failure detectors are checked; 250 ms by default.</summary>
    public TimeSpan UnreachableNodesReaperInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary><c>akka.cluster.gossip-interval</c>: how often the membership state is pushed to connected nodes; 1 s by default.</summary>
    public TimeSpan GossipInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// <c>akka.cluster.exiting-confirmation-timeout</c>: the leader removes an Exiting member once it confirms
    /// that its exiting phase is over (its singletons stopped), once its connection is removed, or after this
    /// long without either; 4 s by default.
    /// </summary>
    public TimeSpan ExitingConfirmationTimeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>
    /// <c>akka.cluster.auto-down-unreachable-after</c>: the leader downs a member unreachable for this long;
    /// null ("off") never downs automatically. 10 s by default.
    /// </summary>
    public TimeSpan? AutoDownUnreachableAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>akka.cluster.seed-node-timeout</c>: the deadline of <see cref="Cluster.JoinAsync"/>; 10 s by default.</summary>
    public TimeSpan SeedNodeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary><c>akka.cluster.retry-unsuccessful-join-after</c>: how often an unanswered Join is sent again; 1 s by default.</summary>
    public TimeSpan RetryUnsuccessfulJoinAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Reads the settings from <paramref name="config"/>; missing keys keep their defaults. Throws <see cref="ConfigException"/> naming a bad key.</summary>
    public static ClusterSettings Create(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var d = new ClusterSettings();
        const string fd = "akka.cluster.failure-detector.";
        var settings = new ClusterSettings
        {
            Roles = [.. config.GetStringList("akka.cluster.roles", [])],
            HeartbeatInterval = Positive(config, fd + "heartbeat-interval", d.HeartbeatInterval),
            FailureDetectorThreshold = config.GetDouble(fd + "threshold", d.FailureDetectorThreshold),
            FailureDetectorMaxSampleSize = config.GetInt(fd + "max-sample-size", d.FailureDetectorMaxSampleSize),
            FailureDetectorMinStdDeviation = Positive(config, fd + "min-std-deviation", d.FailureDetectorMinStdDeviation),
            AcceptableHeartbeatPause = NotNegative(config, fd + "acceptable-heartbeat-pause", d.AcceptableHeartbeatPause),
            ExpectedResponseAfter = Positive(config, fd + "expected-response-after", d.ExpectedResponseAfter),
            UnreachableNodesReaperInterval = Positive(config, "akka.cluster.unreachable-nodes-reaper-interval", d.UnreachableNodesReaperInterval),
            GossipInterval = Positive(config, "akka.cluster.gossip-interval", d.GossipInterval),
            ExitingConfirmationTimeout = Positive(config, "akka.cluster.exiting-confirmation-timeout", d.ExitingConfirmationTimeout),
            AutoDownUnreachableAfter = OffOrDuration(config, "akka.cluster.auto-down-unreachable-after", d.AutoDownUnreachableAfter),
            SeedNodeTimeout = Positive(config, "akka.cluster.seed-node-timeout", d.SeedNodeTimeout),
            RetryUnsuccessfulJoinAfter = Positive(config, "akka.cluster.retry-unsuccessful-join-after", d.RetryUnsuccessfulJoinAfter),
        };
        Check(settings.FailureDetectorThreshold > 0, fd + "threshold", $"must be > 0, not {settings.FailureDetectorThreshold.ToString(CultureInfo.InvariantCulture)}");
        Check(settings.FailureDetectorMaxSampleSize >= 1, fd + "max-sample-size", $"must be >= 1, not {settings.FailureDetectorMaxSampleSize}");
        return settings;
    }

    /// <summary>Throws <see cref="ConfigException"/> when a value cannot work (a zero interval, a negative pause).</summary>
    public void Validate()
    {
        const string fd = "akka.cluster.failure-detector.";
        Check(HeartbeatInterval > TimeSpan.Zero, fd + "heartbeat-interval", "must be > 0");
        Check(FailureDetectorThreshold > 0, fd + "threshold", "must be > 0");
        Check(FailureDetectorMaxSampleSize >= 1, fd + "max-sample-size", "must be >= 1");
        Check(FailureDetectorMinStdDeviation > TimeSpan.Zero, fd + "min-std-deviation", "must be > 0");
        Check(AcceptableHeartbeatPause >= TimeSpan.Zero, fd + "acceptable-heartbeat-pause", "must be >= 0");
        Check(ExpectedResponseAfter > TimeSpan.Zero, fd + "expected-response-after", "must be > 0");
        Check(UnreachableNodesReaperInterval > TimeSpan.Zero, "akka.cluster.unreachable-nodes-reaper-interval", "must be > 0");
        Check(GossipInterval > TimeSpan.Zero, "akka.cluster.gossip-interval", "must be > 0");
        Check(ExitingConfirmationTimeout > TimeSpan.Zero, "akka.cluster.exiting-confirmation-timeout", "must be > 0");
        Check(AutoDownUnreachableAfter is null || AutoDownUnreachableAfter >= TimeSpan.Zero, "akka.cluster.auto-down-unreachable-after", "must be >= 0 or off");
        Check(SeedNodeTimeout > TimeSpan.Zero, "akka.cluster.seed-node-timeout", "must be > 0");
        Check(RetryUnsuccessfulJoinAfter > TimeSpan.Zero, "akka.cluster.retry-unsuccessful-join-after", "must be > 0");
    }

    private static void Check(bool ok, string key, string rule)
    {
        if (!ok) throw new ConfigException($"{key} {rule}");
    }

    private static TimeSpan Positive(Config config, string key, TimeSpan fallback)
    {
        var value = config.GetTimeSpan(key, fallback);
        Check(value > TimeSpan.Zero, key, $"must be > 0, not {value}");
        return value;
    }

    private static TimeSpan NotNegative(Config config, string key, TimeSpan fallback)
    {
        var value = config.GetTimeSpan(key, fallback);
        Check(value >= TimeSpan.Zero, key, $"must be >= 0, not {value}");
        return value;
    }

    private static TimeSpan? OffOrDuration(Config config, string key, TimeSpan? fallback)
    {
        if (!config.HasPath(key)) return fallback;
        if (config.GetString(key) is "off" or "false") return null;
        var value = config.GetTimeSpan(key);
        if (value == Timeout.InfiniteTimeSpan) return null;
        Check(value >= TimeSpan.Zero, key, $"must be >= 0 or off, not {value}");
        return value;
    }
}
