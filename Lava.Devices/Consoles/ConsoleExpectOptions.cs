namespace Lava.Devices.Consoles;

/// <summary>How <see cref="ConsoleExpect"/> types and reads.</summary>
public sealed record ConsoleExpectOptions
{
    /// <summary>Added after each line sent (LAVA's <c>LINE_SEPARATOR</c>; some bootloaders want "\r").</summary>
    /// <value>"\n" by default.</value>
    public string LineEnding { get; init; } = "\n";

    /// <summary>Pause between the characters sent, for consoles that drop characters typed fast (LAVA's
    /// <c>boot_character_delay</c>/<c>test_character_delay</c>, in ms there). A send may override it.</summary>
    /// <value>Zero by default: a send is one write.</value>
    public TimeSpan CharacterDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Whether the device's echo of what was just sent is kept from the patterns (it is still logged), so
    /// that waiting for a word the command itself contains does not match its echo. The echo is skipped only while
    /// the output repeats what was sent; the first differing character ends the skipping.</summary>
    /// <value>True by default.</value>
    public bool SkipEcho { get; init; } = true;

    /// <summary>How much unmatched output the patterns search, in characters; older output is dropped from the
    /// search (never from the log).</summary>
    /// <value>65536 by default.</value>
    public int SearchWindow { get; init; } = 65536;
}
