using Akka.Actor;
using Akka.Configuration;
using Akka.Cluster.Hosting;
using Akka.Coordination;
using Akka.Hosting;
using Lava.Actors.Coordination;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Coordination;

public sealed class PostgreSqlLeaseSettingsSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(output: output)
{
    [Fact]
    public void The_option_defaults_must_give_the_documented_settings_over_Akkas_lease_defaults()
    {
        var settings = Read(new PostgreSqlLeaseOption { ConnectionString = "Host=db" }.ToHocon());

        Assert.Equal(
            new PostgreSqlLeaseSettings("Host=db", "public", TimeSpan.FromSeconds(12), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(5)),
            settings);
    }

    [Fact]
    public void The_option_must_name_the_lease_class_and_carry_its_overrides()
    {
        var option = new PostgreSqlLeaseOption
        {
            ConnectionString = "Host=db;Password=\"a\\b\"", SchemaName = "coordination", HeartbeatTimeout = TimeSpan.FromSeconds(20),
            HeartbeatInterval = TimeSpan.FromMilliseconds(500), SafetyMargin = TimeSpan.FromSeconds(5), OperationTimeout = TimeSpan.FromSeconds(7),
        };
        var config = ConfigurationFactory.ParseString(option.ToHocon());

        Assert.Equal("Lava.Actors.Coordination.PostgreSqlLease, Lava.Actors", config.GetString($"{PostgreSqlLease.ConfigPath}.lease-class"));
        Assert.Equal(typeof(PostgreSqlLease), Type.GetType(config.GetString($"{PostgreSqlLease.ConfigPath}.lease-class")));
        Assert.Equal(
            new PostgreSqlLeaseSettings("Host=db;Password=\"a\\b\"", "coordination", TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(7)),
            Read(option.ToHocon()));
    }

    [Fact]
    public void WithPostgreSqlLease_must_write_the_section_that_the_singleton_options_point_use_lease_at()
    {
        var lease = new PostgreSqlLeaseOption { ConnectionString = "Host=db", SafetyMargin = TimeSpan.FromSeconds(4) };
        var singleton = new ClusterSingletonOptions { Role = "master", LeaseImplementation = lease };

        var config = new AkkaConfigurationBuilder(new ServiceCollection(), "lava").WithPostgreSqlLease(lease).Configuration.Value;

        Assert.Equal(PostgreSqlLease.ConfigPath, singleton.LeaseImplementation.ConfigPath);
        Assert.Equal(typeof(PostgreSqlLease), Type.GetType(config.GetString($"{PostgreSqlLease.ConfigPath}.lease-class")));
        Assert.Equal(TimeSpan.FromSeconds(4), Read(config).SafetyMargin);
    }

    [Theory]
    [InlineData("heartbeat-timeout = 12s", "connection-string")]
    [InlineData("connection-string = \"Host=db\", heartbeat-timeout = 5s", "heartbeat-timeout")]
    [InlineData("connection-string = \"Host=db\", heartbeat-interval = 0s", "heartbeat-interval")]
    [InlineData("connection-string = \"Host=db\", safety-margin = soon", "safety-margin")]
    [InlineData("connection-string = \"Host=db\", schema-name = \"\"", "schema-name")]
    public void A_lease_must_refuse_settings_that_cannot_work_naming_the_key(string values, string key)
    {
        var settings = LeaseSettings.Create(Section(values), "n", "o");

        var error = Assert.Throws<ConfigurationException>(() => new PostgreSqlLease(settings, (ExtendedActorSystem)Sys));
        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }

    private static PostgreSqlLeaseSettings Read(string hocon) => Read(ConfigurationFactory.ParseString(hocon));

    private static PostgreSqlLeaseSettings Read(Config config) =>
        PostgreSqlLeaseSettings.Create(LeaseSettings.Create(config.GetConfig(PostgreSqlLease.ConfigPath)
            .WithFallback(LeaseProvider.DefaultConfig().GetConfig("akka.coordination.lease")), "n", "o"));

    private static Config Section(string values) =>
        ConfigurationFactory.ParseString($"heartbeat-interval = 2s, safety-margin = 3s, {values}")
            .WithFallback(LeaseProvider.DefaultConfig().GetConfig("akka.coordination.lease"));
}
