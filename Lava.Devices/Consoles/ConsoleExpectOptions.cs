namespace Lava.Devices.Consoles;

/// <summary>How <see cref="ConsoleExpect"/> types and reads.</summary>
public sealed record ConsoleExpectOptions
{
    /// <summary>Added after each line sent; <value>"\n" by default</value> (LAVA's <c>LINE_SEPARATOR</c>; some
    /// bootloaders want "\r").</summary>
    public string LineEnding { get; init; } = "\n";

    /// <summary>Pause after each character sent, for consoles that drop characters typed fast (LAVA's
    /// <c>boot_character_delay</c>/<c>test_character_delay</c>, in ms there); <value>zero by default</value>.
    /// A send may override it.</summary>
    public TimeSpan CharacterDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Whether the device's echo of what was just sent is kept from the patterns (still logged), so that
    /// waiting for a word that the command itself contains does not match its echo; <value>true by default</value>.
    /// The echo is skipped only while the output repeats what was sent.</summary>
    public bool SkipEcho { get; init; } = true;

    /// <summary>How much unmatched output the patterns search, in characters; older output is dropped from the search
    /// (never from the log); <value>65536 by default</value>.</summary>
    public int SearchWindow { get; init; } = 65536;
}
