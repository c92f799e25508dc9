using Lava.Kernel.Configuration;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Lava.Kernel.Tests.Configuration;

public sealed class HoconConfigurationProviderSpec
{
    private sealed class ClusterOptions
    {
        public string Provider { get; set; } = string.Empty;

        public int MinNrOfMembers { get; set; }

        public bool AutoDown { get; set; }

        public List<string> Roles { get; set; } = [];
    }

    [Fact]
    public void Provider_must_map_paths_to_colon_keys_and_arrays_to_indexes()
    {
        var hocon = ConfigFactory.ParseString("""
            akka.cluster { roles = [master, worker], min-nr-of-members = 2 }
            akka.actor.provider = cluster
            nothing = null
            """);

        var configuration = new ConfigurationBuilder().AddHocon(hocon).Build();

        Assert.Equal("cluster", configuration["akka:actor:provider"]);
        Assert.Equal("master", configuration["akka:cluster:roles:0"]);
        Assert.Equal("worker", configuration.GetSection("akka:cluster:roles").GetChildren().Single(c => c.Key == "1").Value);
        Assert.Equal("2", configuration["AKKA:CLUSTER:MIN-NR-OF-MEMBERS"]);
        Assert.Null(configuration["nothing"]);
    }

    [Fact]
    public void Provider_must_support_options_binding()
    {
        var hocon = ConfigFactory.ParseString("""
            cluster { Provider = cluster, MinNrOfMembers = 3, AutoDown = on, Roles = [master] }
            cluster.AutoDown = true
            """);

        var options = new ConfigurationBuilder().AddHocon(hocon).Build().GetSection("cluster").Get<ClusterOptions>()!;

        Assert.Equal("cluster", options.Provider);
        Assert.Equal(3, options.MinNrOfMembers);
        Assert.True(options.AutoDown);
        Assert.Equal(["master"], options.Roles);
    }

    [Fact]
    public void AddHocon_must_load_a_file_with_substitutions_and_let_later_sources_win()
    {
        using var dir = new TempDirectory();
        var file = dir.Write("app.conf", "base = 10\nport = ${base}\nhost = localhost");

        var configuration = new ConfigurationBuilder()
            .AddHocon(file)
            .AddInMemoryCollection([new KeyValuePair<string, string?>("host", "override")])
            .Build();

        Assert.Equal("10", configuration["port"]);
        Assert.Equal("override", configuration["host"]);
    }

    [Fact]
    public void AddHocon_must_fail_on_a_missing_file_unless_optional()
    {
        var missing = Path.Combine(Path.GetTempPath(), "lava-missing-" + Guid.NewGuid().ToString("N") + ".conf");

        Assert.Throws<ConfigException>(() => new ConfigurationBuilder().AddHocon(missing).Build());
        Assert.Empty(new ConfigurationBuilder().AddHocon(missing, optional: true).Build().AsEnumerable());
    }
}
