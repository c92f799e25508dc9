using System.Text.RegularExpressions;

namespace Lava.Integration.Tests;

/// <summary>What the tests read back from the hosts' log lines.</summary>
internal static partial class LogLines
{
    /// <summary>A worker's "Worker NAME joined the cluster as ADDRESS (uid UID)" line.</summary>
    public static string Joined(string name) => $"Worker {name} joined the cluster as ";

    /// <summary>The Akka address and uid in a worker's <see cref="Joined"/> line.</summary>
    public static (string Address, string Uid) JoinedAs(string line)
    {
        var match = JoinedPattern().Match(line);
        if (!match.Success) throw new FormatException($"not a join line: {line}");
        return (match.Groups[1].Value, match.Groups[2].Value);
    }

    /// <summary>The uid in a line with "(uid UID)".</summary>
    public static string Uid(string line)
    {
        var match = UidPattern().Match(line);
        if (!match.Success) throw new FormatException($"no uid in: {line}");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"joined the cluster as (\S+) \(uid (-?\d+)\)")]
    private static partial Regex JoinedPattern();

    [GeneratedRegex(@"\(uid (-?\d+)\)")]
    private static partial Regex UidPattern();
}
