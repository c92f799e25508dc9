using Xunit;

namespace Lava.Integration.Tests;

/// <summary>
/// The real lavacli (Debian's package, /usr/bin/lavacli) with an identity for one master: a private HOME holding
/// <c>~/.config/lavacli.yaml</c> with the master's XML-RPC URI, a user and that user's API token.
/// </summary>
internal sealed class Lavacli
{
    public const string Program = "/usr/bin/lavacli";

    private static readonly TimeSpan CallDeadline = TimeSpan.FromSeconds(120);
    private readonly string _home;

    public Lavacli(string directory, Uri api, string username, string token)
    {
        _home = Path.Combine(directory, "lavacli-home-" + username);
        Directory.CreateDirectory(Path.Combine(_home, ".config"));
        File.WriteAllText(Path.Combine(_home, ".config", "lavacli.yaml"),
            $"default:\n  uri: {new Uri(api, "RPC2")}\n  username: {username}\n  token: {token}\n");
    }

    /// <summary>Runs <c>lavacli ARGS</c>; fails the test when it exits non-zero, naming the call and its output.</summary>
    public async Task<string> RunAsync(params string[] args)
    {
        var (exitCode, output, error) = await TryRunAsync(args);
        Assert.True(exitCode == 0, $"lavacli {string.Join(' ', args)} exited {exitCode}:\n{output}\n{error}");
        return output;
    }

    /// <summary>Runs <c>lavacli ARGS</c> and returns its exit code and output.</summary>
    public Task<(int ExitCode, string Output, string Error)> TryRunAsync(params string[] args)
    {
        Assert.True(File.Exists(Program), $"{Program} is missing: `./lava test` installs Debian's lavacli package");
        return LavaProcesses.RunAsync(Program, args, LavaProcesses.Dilated(CallDeadline), new Dictionary<string, string?>
        {
            ["HOME"] = _home,
            ["XDG_CONFIG_HOME"] = Path.Combine(_home, ".config"),
        });
    }
}
