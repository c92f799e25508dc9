namespace Lava.Devices.Consoles;

/// <summary>
/// None of the patterns appeared on the console in time. Names the patterns, the time waited and the last output
/// that matched none of them (LAVA's connection timeout).
/// </summary>
public sealed class ConsoleTimeoutException : TimeoutException
{
    public ConsoleTimeoutException(IReadOnlyList<string> patterns, TimeSpan elapsed, string lastOutput)
        : base($"No match for {string.Join(", ", patterns.Select(p => $"'{p}'"))} after {elapsed.TotalSeconds:0.###} s; last output: '{ConsoleText.Visible(lastOutput)}'")
    {
        Patterns = patterns;
        Elapsed = elapsed;
        LastOutput = lastOutput;
    }

    /// <summary>The patterns waited for.</summary>
    public IReadOnlyList<string> Patterns { get; }

    /// <summary>How long the wait lasted.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The end of the output read since the last match (at most 256 characters).</summary>
    public string LastOutput { get; }
}
