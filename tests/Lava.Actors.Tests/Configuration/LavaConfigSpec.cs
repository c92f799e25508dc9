using System.Text.RegularExpressions;
using Lava.Actors.Configuration;
using Xunit;

namespace Lava.Actors.Tests.Configuration;

public sealed partial class LavaConfigSpec : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("lava-config-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string ReferenceText()
    {
        using var stream = typeof(LavaConfig).Assembly.GetManifestResourceStream("Lava.Actors.reference.conf")!;
        return new StreamReader(stream).ReadToEnd();
    }

    [Fact]
    public void Every_key_of_reference_conf_must_have_a_comment_in_its_paragraph()
    {
        var lines = ReferenceText().Split('\n');
        var undocumented = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (!Assignment().IsMatch(lines[i])) continue;
            var documented = false;
            for (var j = i - 1; j >= 0 && lines[j].Trim().Length > 0; j--)
            {
                if (lines[j].TrimStart().StartsWith('#')) documented = true;
            }

            if (!documented) undocumented.Add($"line {i + 1}: {lines[i].Trim()}");
        }

        Assert.Empty(undocumented);
    }

    [Fact]
    public void Reference_must_hold_the_defaults_lava_reads()
    {
        var config = LavaConfig.Reference;

        Assert.Equal("sqlite", config.GetString("lava.database.provider"));
        Assert.Equal("127.0.0.1:4053", config.GetString("lava.cluster.endpoint"));
        Assert.Equal(TimeSpan.FromSeconds(10), config.GetTimeSpan("lava.cluster.identity-timeout"));
        Assert.True(config.GetBoolean("akka.remote.untrusted-mode"));
        Assert.Contains("/system/cluster/core/daemon", config.GetStringList("akka.remote.trusted-selection-paths"));
        Assert.Equal("keep-oldest", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
        Assert.Equal("master", config.GetString("akka.cluster.split-brain-resolver.keep-oldest.role"));
    }

    [Fact]
    public void Load_must_put_the_file_over_the_defaults_and_the_defaults_over_reference_conf()
    {
        var path = Path.Combine(_dir, "node.conf");
        File.WriteAllText(path, "lava.http.endpoint = \"0.0.0.0:9000\"\n");

        var config = LavaConfig.Load(path, LavaConfig.Parse("lava.data-dir = \"/srv/lava\"\nlava.http.endpoint = \"x:1\"", "defaults"));

        Assert.Equal("0.0.0.0:9000", config.GetString("lava.http.endpoint"));
        Assert.Equal("/srv/lava", config.GetString("lava.data-dir"));
        Assert.Equal("sqlite", config.GetString("lava.database.provider"));
    }

    [Fact]
    public void Load_must_name_a_missing_file()
    {
        var path = Path.Combine(_dir, "missing.conf");

        var error = Assert.Throws<LavaConfigException>(() => LavaConfig.Load(path));

        Assert.Equal($"{path}: no such file", error.Message);
    }

    [Theory]
    [InlineData("lava {\n  http.endpoint = \"a:1\"\n  cluster.endpoint = ${nowhere}\n}\n", ":3", "nowhere")]
    [InlineData("lava {\n  http {\n    endpoint =\n  }\n}\n", ":3", "'lava.http.endpoint' has no value")]
    [InlineData("lava.worker {\n  name = w1\n  master \n}\n", ":3", "'lava.worker.master' has no value")]
    [InlineData("a {\n b = 1\n c = [1,\n}", ":4", "")]
    public void Load_must_name_the_file_the_line_and_the_problem_of_invalid_hocon(string text, string line, string problem)
    {
        var path = Path.Combine(_dir, "bad.conf");
        File.WriteAllText(path, text);

        var error = Assert.Throws<LavaConfigException>(() => LavaConfig.Load(path));

        Assert.StartsWith(path + line + ": ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\s*""?[a-z][\w.-]*""?\s*=")]
    private static partial Regex Assignment();
}
