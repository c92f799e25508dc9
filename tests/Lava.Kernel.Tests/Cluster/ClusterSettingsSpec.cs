using Lava.Kernel.Configuration;
using Xunit;

namespace Lava.Kernel.Tests.Cluster;

public sealed class ClusterSettingsSpec
{
    [Fact]
    public void ClusterSettings_must_read_the_defaults_of_reference_conf()
    {
        var settings = ClusterSettings.Create(ConfigFactory.Reference().Resolve());
        var defaults = new ClusterSettings();
        Assert.Equal(defaults with { Roles = settings.Roles }, settings);
        Assert.Empty(settings.Roles);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.HeartbeatInterval);
        Assert.Equal(8.0, settings.FailureDetectorThreshold);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.AcceptableHeartbeatPause);
        Assert.Equal(TimeSpan.FromMilliseconds(100), settings.FailureDetectorMinStdDeviation);
        Assert.Equal(1000, settings.FailureDetectorMaxSampleSize);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.ExpectedResponseAfter);
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.UnreachableNodesReaperInterval);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.AutoDownUnreachableAfter);
        Assert.Equal(TimeSpan.FromSeconds(4), settings.ExitingConfirmationTimeout);
    }

    [Fact]
    public void ClusterSettings_must_read_configured_values()
    {
        var config = ConfigFactory.ParseString("""
            akka.cluster {
              roles = [worker]
              seed-node-timeout = 3s
              retry-unsuccessful-join-after = 300ms
              gossip-interval = 500ms
              exiting-confirmation-timeout = 2500ms
              unreachable-nodes-reaper-interval = 100ms
              auto-down-unreachable-after = 20s
              failure-detector {
                heartbeat-interval = 200ms
                threshold = 12.5
                max-sample-size = 50
                min-std-deviation = 50ms
                acceptable-heartbeat-pause = 1s
                expected-response-after = 2s
              }
            }
            """);
        var settings = ClusterSettings.Create(config);
        Assert.Equal(["worker"], settings.Roles);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.SeedNodeTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(300), settings.RetryUnsuccessfulJoinAfter);
        Assert.Equal(TimeSpan.FromMilliseconds(500), settings.GossipInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), settings.ExitingConfirmationTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(100), settings.UnreachableNodesReaperInterval);
        Assert.Equal(TimeSpan.FromSeconds(20), settings.AutoDownUnreachableAfter);
        Assert.Equal(TimeSpan.FromMilliseconds(200), settings.HeartbeatInterval);
        Assert.Equal(12.5, settings.FailureDetectorThreshold);
        Assert.Equal(50, settings.FailureDetectorMaxSampleSize);
        Assert.Equal(TimeSpan.FromMilliseconds(50), settings.FailureDetectorMinStdDeviation);
        Assert.Equal(TimeSpan.FromSeconds(1), settings.AcceptableHeartbeatPause);
        Assert.Equal(TimeSpan.FromSeconds(2), settings.ExpectedResponseAfter);
    }

    [Theory]
    [InlineData("off")]
    [InlineData("infinite")]
    public void Auto_downing_must_be_off_when_configured_so(string value)
    {
        var settings = ClusterSettings.Create(ConfigFactory.ParseString($"akka.cluster.auto-down-unreachable-after = {value}"));
        Assert.Null(settings.AutoDownUnreachableAfter);
    }

    [Theory]
    [InlineData("akka.cluster.failure-detector.heartbeat-interval = 0s", "akka.cluster.failure-detector.heartbeat-interval")]
    [InlineData("akka.cluster.failure-detector.threshold = 0", "akka.cluster.failure-detector.threshold")]
    [InlineData("akka.cluster.failure-detector.threshold = high", "akka.cluster.failure-detector.threshold")]
    [InlineData("akka.cluster.failure-detector.max-sample-size = 0", "akka.cluster.failure-detector.max-sample-size")]
    [InlineData("akka.cluster.failure-detector.min-std-deviation = 0ms", "akka.cluster.failure-detector.min-std-deviation")]
    [InlineData("akka.cluster.failure-detector.acceptable-heartbeat-pause = -1s", "akka.cluster.failure-detector.acceptable-heartbeat-pause")]
    [InlineData("akka.cluster.gossip-interval = soon", "akka.cluster.gossip-interval")]
    [InlineData("akka.cluster.exiting-confirmation-timeout = 0s", "akka.cluster.exiting-confirmation-timeout")]
    [InlineData("akka.cluster.unreachable-nodes-reaper-interval = 0s", "akka.cluster.unreachable-nodes-reaper-interval")]
    [InlineData("akka.cluster.auto-down-unreachable-after = -5s", "akka.cluster.auto-down-unreachable-after")]
    [InlineData("akka.cluster.seed-node-timeout = 0s", "akka.cluster.seed-node-timeout")]
    public void A_bad_value_must_fail_naming_its_key(string text, string key)
    {
        var error = Assert.Throws<ConfigException>(() => ClusterSettings.Create(ConfigFactory.ParseString(text)));
        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void Validate_must_reject_settings_that_cannot_work()
    {
        var error = Assert.Throws<ConfigException>(() => (new ClusterSettings() with { HeartbeatInterval = TimeSpan.Zero }).Validate());
        Assert.Contains("akka.cluster.failure-detector.heartbeat-interval", error.Message);
    }
}
