using Lava.Kernel.Configuration;
using Xunit;

namespace Lava.Kernel.Tests.Cluster.Singleton;

public sealed class ClusterSingletonSettingsSpec
{
    [Fact]
    public void Singleton_settings_defaults_must_match_the_reference_configuration()
    {
        var config = ConfigFactory.Reference().Resolve();

        Assert.Equal(new ClusterSingletonManagerSettings(), ClusterSingletonManagerSettings.Create(config));
        Assert.Equal(new ClusterSingletonProxySettings(), ClusterSingletonProxySettings.Create(config));
    }

    [Fact]
    public void Singleton_settings_must_read_overrides_and_an_empty_role_as_any_member()
    {
        var config = ConfigFactory.ParseString("""
            akka.cluster.singleton { singleton-name = scheduler, role = "", hand-over-retry-interval = 300ms, lease-retry-interval = 2s, stop-timeout = 1s }
            akka.cluster.singleton-proxy { buffer-size = 10, singleton-identification-interval = 500ms }
            """).WithFallback(ConfigFactory.Reference()).Resolve();

        Assert.Equal(
            new ClusterSingletonManagerSettings("scheduler", null, TimeSpan.FromMilliseconds(300), null, TimeSpan.FromSeconds(2)) { StopTimeout = TimeSpan.FromSeconds(1) },
            ClusterSingletonManagerSettings.Create(config));
        Assert.Equal(new ClusterSingletonProxySettings("scheduler", null, 10, TimeSpan.FromMilliseconds(500)), ClusterSingletonProxySettings.Create(config));
    }

    [Fact]
    public void Singleton_settings_must_refuse_values_that_cannot_work()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ClusterSingletonProxySettings.Create(ConfigFactory.ParseString("akka.cluster.singleton-proxy.buffer-size = -1")));
        Assert.Throws<ArgumentException>(() => ClusterSingletonManager.Props(Props.Create(() => new Idle()), PoisonPill.Instance, new ClusterSingletonManagerSettings("a/b")));
        Assert.Throws<ArgumentException>(() => ClusterSingletonProxy.Props("user/manager", new ClusterSingletonProxySettings()));
    }

    private sealed class Idle : ReceiveActor;
}
