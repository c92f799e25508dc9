using System.Text.RegularExpressions;

namespace Lava.Devices.Consoles;

/// <summary>
/// What <see cref="ConsoleExpect.ExpectAsync(IReadOnlyList{Regex}, TimeSpan, CancellationToken)"/> found: the index of
/// the pattern that matched first in the output, the text before the match (since the previous match) and the match
/// itself, with its groups. Texts are match text: no ANSI sequences, lines ending in <c>\n</c>.
/// </summary>
public sealed record ExpectMatch(int Index, Regex Pattern, string Before, Match Match)
{
    /// <summary>The matched text.</summary>
    public string Text => Match.Value;
}
