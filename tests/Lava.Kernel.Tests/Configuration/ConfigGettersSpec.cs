using Lava.Kernel.Configuration;
using Xunit;

namespace Lava.Kernel.Tests.Configuration;

public sealed class ConfigGettersSpec
{
    private static Config Parse(string text) => ConfigFactory.ParseString(text, "app.conf");

    [Theory]
    [InlineData("10ns", 0L)]
    [InlineData("1500ns", 15L)]
    [InlineData("3us", 30L)]
    [InlineData("250", 2_500_000L)]
    [InlineData("250ms", 2_500_000L)]
    [InlineData("2 milliseconds", 20_000L)]
    [InlineData("1.5s", 15_000_000L)]
    [InlineData("10 seconds", 100_000_000L)]
    [InlineData("1 second", 10_000_000L)]
    [InlineData("2m", 1_200_000_000L)]
    [InlineData("3 minutes", 1_800_000_000L)]
    [InlineData("1h", 36_000_000_000L)]
    [InlineData("2 hours", 72_000_000_000L)]
    [InlineData("1d", 864_000_000_000L)]
    [InlineData("7 days", 6_048_000_000_000L)]
    public void GetTimeSpan_must_understand_hocon_duration_units(string value, long expectedTicks)
    {
        var config = Parse($"t = {value}");

        Assert.Equal(TimeSpan.FromTicks(expectedTicks), config.GetTimeSpan("t"));
    }

    [Fact]
    public void GetTimeSpan_must_map_infinite_and_reject_unknown_units()
    {
        var config = Parse("ask-timeout = infinite\nbad = 10 parsecs\nupper = 10S");

        Assert.Equal(Timeout.InfiniteTimeSpan, config.GetTimeSpan("ask-timeout"));
        var error = Assert.Throws<ConfigException>(() => config.GetTimeSpan("bad"));
        Assert.Contains("'bad'", error.Message, StringComparison.Ordinal);
        Assert.Contains("expected a duration", error.Message, StringComparison.Ordinal);
        Assert.Throws<ConfigException>(() => config.GetTimeSpan("upper"));
        Assert.Equal(TimeSpan.FromSeconds(3), config.GetTimeSpan("missing", TimeSpan.FromSeconds(3)));
    }

    [Theory]
    [InlineData("42", 42L)]
    [InlineData("42B", 42L)]
    [InlineData("3 bytes", 3L)]
    [InlineData("1kB", 1000L)]
    [InlineData("1KB", 1000L)]
    [InlineData("1K", 1024L)]
    [InlineData("1k", 1024L)]
    [InlineData("2KiB", 2048L)]
    [InlineData("1 kibibyte", 1024L)]
    [InlineData("1MB", 1_000_000L)]
    [InlineData("1M", 1_048_576L)]
    [InlineData("1.5MiB", 1_572_864L)]
    [InlineData("1 megabytes", 1_000_000L)]
    [InlineData("1G", 1_073_741_824L)]
    [InlineData("1GB", 1_000_000_000L)]
    [InlineData("1TiB", 1_099_511_627_776L)]
    public void GetByteSize_must_understand_powers_of_ten_and_two(string value, long expected)
    {
        var config = Parse($"size = {value}");

        Assert.Equal(expected, config.GetByteSize("size"));
    }

    [Fact]
    public void GetByteSize_must_reject_overflow_and_unknown_units()
    {
        var config = Parse("huge = 9000 EiB\nodd = 10 furlongs");

        Assert.Throws<ConfigException>(() => config.GetByteSize("huge"));
        Assert.Throws<ConfigException>(() => config.GetByteSize("odd"));
        Assert.Equal(5L, config.GetByteSize("missing", 5));
    }

    [Fact]
    public void Getters_must_name_the_missing_path()
    {
        var config = Parse("akka.actor.provider = local");

        var error = Assert.Throws<ConfigException>(() => config.GetString("akka.actor.ask-timeout"));

        Assert.Contains("'akka.actor.ask-timeout'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Getters_must_name_path_and_expected_type_on_a_wrong_type()
    {
        var config = Parse("a {\n  port = local\n}\nlist = [1]");

        var error = Assert.Throws<ConfigException>(() => config.GetInt("a.port"));
        var notString = Assert.Throws<ConfigException>(() => config.GetString("list"));

        Assert.Equal("app.conf:2:10: path 'a.port' is a string ('local'); expected a whole number", error.Message);
        Assert.Contains("path 'list' is an array; expected a string", notString.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Getters_must_return_defaults_only_for_missing_or_null_paths()
    {
        var config = Parse("present = 3\nnothing = null");

        Assert.Equal(3, config.GetInt("present", 7));
        Assert.Equal(7, config.GetInt("absent", 7));
        Assert.Equal(7L, config.GetLong("nothing", 7));
        Assert.Equal("d", config.GetString("a.b.c", "d"));
        Assert.True(config.GetBoolean("absent", true));
        Assert.Equal(0.5, config.GetDouble("absent", 0.5));
        Assert.Equal(["x"], config.GetStringList("absent", ["x"]));
    }

    [Fact]
    public void Getters_must_convert_numbers_and_strings_as_the_spec_recommends()
    {
        var config = Parse("n = 12\ns = \"34\"\nwhole = 2.0\nfraction = 2.5\nbig = 3000000000");

        Assert.Equal("12", config.GetString("n"));
        Assert.Equal(34, config.GetInt("s"));
        Assert.Equal(2, config.GetInt("whole"));
        Assert.Throws<ConfigException>(() => config.GetInt("fraction"));
        Assert.Throws<ConfigException>(() => config.GetInt("big"));
        Assert.Equal(3_000_000_000L, config.GetLong("big"));
    }

    [Fact]
    public void GetConfig_must_return_the_subtree_or_empty()
    {
        var config = Parse("akka.cluster { roles = [master], seed-nodes = [] }");

        var cluster = config.GetConfig("akka.cluster");

        Assert.Equal(["roles", "seed-nodes"], cluster.Keys);
        Assert.Equal(["master"], cluster.GetStringList("roles"));
        Assert.Empty(cluster.GetStringList("seed-nodes"));
        Assert.True(config.GetConfig("akka.persistence").IsEmpty);
        Assert.Throws<ConfigException>(() => config.GetConfig("akka.cluster.roles"));
    }

    [Fact]
    public void WithFallback_must_chain_with_earlier_configs_winning_and_objects_merging()
    {
        var app = Parse("akka.actor.ask-timeout = 10s");
        var site = Parse("akka.actor { ask-timeout = 5s, provider = cluster }");
        var reference = Parse("akka.actor { ask-timeout = infinite, provider = local, creation-timeout = 20s }");

        var config = app.WithFallback(site).WithFallback(reference);

        Assert.Equal(TimeSpan.FromSeconds(10), config.GetTimeSpan("akka.actor.ask-timeout"));
        Assert.Equal("cluster", config.GetString("akka.actor.provider"));
        Assert.Equal(TimeSpan.FromSeconds(20), config.GetTimeSpan("akka.actor.creation-timeout"));
    }

    [Fact]
    public void WithFallback_must_resolve_substitutions_against_the_merged_whole()
    {
        var app = Parse("singleton-proxy.singleton-name = ${singleton.singleton-name}\npath = ${path}\":/opt/lava\"");
        var reference = Parse("singleton.singleton-name = singleton\npath = /usr/bin");

        var config = app.WithFallback(reference);

        Assert.False(app.IsResolved);
        Assert.Equal("singleton", config.GetString("singleton-proxy.singleton-name"));
        Assert.Equal("/usr/bin:/opt/lava", config.GetString("path"));
        Assert.True(config.Resolve().IsResolved);
    }

    [Fact]
    public void Keys_must_list_root_keys_in_definition_order()
    {
        var config = Parse("b = 1\na { x = 1 }\nc = 2\nb = 3");

        Assert.Equal(["b", "a", "c"], config.Keys);
        Assert.Empty(Config.Empty.Keys);
    }

    [Fact]
    public void Load_must_fall_back_to_the_kernel_reference_configuration()
    {
        var config = ConfigFactory.Load(Parse("lava.test.value = 1"));

        Assert.True(config.IsResolved);
        Assert.Equal(1, config.GetInt("lava.test.value"));
    }
}
