using Xunit;

namespace Lava.Host.Master.Tests;

public sealed class MasterOptionsSpec
{
    [Fact]
    public void Options_must_default_to_the_documented_endpoints_and_dot_lava()
    {
        var options = MasterOptions.Parse([], environmentDataDir: null);

        Assert.Equal(("127.0.0.1:8000", "127.0.0.1:4053"), (options.HttpEndpoint, options.ClusterEndpoint));
        Assert.Equal(Path.GetFullPath(".lava"), options.DataDir);
    }

    [Fact]
    public void Data_dir_must_come_from_the_option_then_the_environment_then_the_config()
    {
        var config = Path.Combine(Path.GetTempPath(), $"lava-master-{Guid.NewGuid():N}.conf");
        File.WriteAllText(config, "lava.data-dir = /from/config\nlava.http.endpoint = \"0.0.0.0:9000\"\n");
        try
        {
            Assert.Equal("/from/config", MasterOptions.Parse(["--config", config], null).DataDir);
            Assert.Equal("/from/env", MasterOptions.Parse(["--config", config], "/from/env").DataDir);
            Assert.Equal("/from/option", MasterOptions.Parse(["--config", config, "--data-dir", "/from/option"], "/from/env").DataDir);
            Assert.Equal("0.0.0.0:9000", MasterOptions.Parse(["--config", config], null).HttpEndpoint);
            Assert.Equal("127.0.0.1:1234", MasterOptions.Parse(["--config", config, "--http", "127.0.0.1:1234"], null).HttpEndpoint);
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Theory]
    [InlineData("--http", "localhost")]
    [InlineData("--cluster", "127.0.0.1:99999")]
    [InlineData("--bogus", "x")]
    [InlineData("--http", null)]
    public void Options_must_refuse_bad_usage_with_a_message(string option, string? value)
    {
        var args = value is null ? new[] { option } : [option, value];

        var error = Assert.Throws<MasterUsageException>(() => MasterOptions.Parse(args, null));

        Assert.Contains(option, error.Message, StringComparison.Ordinal);
    }
}
