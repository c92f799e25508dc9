using System.Diagnostics;
using Xunit;

namespace Lava.Kernel.Tests.Configuration;

/// <summary>Runs the real <c>lava-cli</c> executable, which the test project builds next to its own assembly.</summary>
public sealed class LavaCliConfigSpec : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Config_resolve_must_print_sorted_json_and_exit_0()
    {
        _dir.Write("inc.conf", "b = included");
        var file = _dir.Write("app.conf", "z = 1\ninclude \"inc.conf\"\na = ${b}\" value\"");

        var (exitCode, output, error) = await RunCliAsync("config", "resolve", file);

        Assert.True(exitCode == 0, $"exit code {exitCode}, stderr: {error}");
        Assert.Equal("{\n  \"a\": \"included value\",\n  \"b\": \"included\",\n  \"z\": 1\n}", output.TrimEnd());
        Assert.Empty(error);
    }

    [Fact]
    public async Task Config_resolve_must_print_file_line_column_and_exit_2_on_a_bad_file()
    {
        var file = _dir.Write("bad.conf", "a = 1\nb {\n  foo 1\n}\n");

        var (exitCode, output, error) = await RunCliAsync("config", "resolve", file);

        Assert.Equal(2, exitCode);
        Assert.Empty(output);
        Assert.Equal($"{file}:3:8: expected '=' or ':' after key 'foo 1'", error.TrimEnd());
    }

    [Fact]
    public async Task Config_resolve_must_exit_2_on_an_unresolvable_substitution()
    {
        var file = _dir.Write("subst.conf", "a = ${nowhere.to.be.found}");

        var (exitCode, _, error) = await RunCliAsync("config", "resolve", file);

        Assert.Equal(2, exitCode);
        Assert.StartsWith($"{file}:1:5: could not resolve substitution ${{nowhere.to.be.found}}", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_resolve_must_exit_2_with_a_clear_message_for_a_missing_file()
    {
        var file = Path.Combine(_dir.Path, "absent.conf");

        var (exitCode, _, error) = await RunCliAsync("config", "resolve", file);

        Assert.Equal(2, exitCode);
        Assert.Equal($"{file}: configuration file not found", error.TrimEnd());
    }

    [Fact]
    public async Task Help_must_describe_the_config_verbs()
    {
        var (exitCode, output, _) = await RunCliAsync("config", "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("resolve", output, StringComparison.Ordinal);
        Assert.Contains("Inspect Lava configuration files.", output, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunCliAsync(params string[] args)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "lava-cli.dll");
        Assert.True(File.Exists(cli), $"lava-cli.dll not found next to the tests in {AppContext.BaseDirectory}");

        // `dotnet test` exports the host it runs under; fall back to the one on PATH.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(cli);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
