using System.Globalization;
using System.Text;

namespace Lava.Devices.Consoles;

/// <summary>How console text is shown in a log: printable text as is, everything else escaped visibly.</summary>
internal static class ConsoleText
{
    /// <summary>Appends <paramref name="rune"/> to <paramref name="to"/>, escaping control characters as <c>\x1b</c> or <c>\u0085</c>.</summary>
    public static void AppendVisible(StringBuilder to, Rune rune)
    {
        if (rune.Value == '\t' || !Rune.IsControl(rune))
        {
            to.Append(rune.ToString());
        }
        else if (rune.Value < 0x80)
        {
            AppendByte(to, (byte)rune.Value);
        }
        else
        {
            to.Append(CultureInfo.InvariantCulture, $"\\u{rune.Value:x4}");
        }
    }

    /// <summary>Appends a byte that is not text (e.g. not valid UTF-8) as <c>\xff</c>.</summary>
    public static void AppendByte(StringBuilder to, byte value) => to.Append(CultureInfo.InvariantCulture, $"\\x{value:x2}");

    /// <summary><paramref name="text"/> with its control characters escaped.</summary>
    public static string Visible(string text)
    {
        var visible = new StringBuilder(text.Length);
        foreach (var rune in text.EnumerateRunes())
        {
            AppendVisible(visible, rune);
        }
        return visible.ToString();
    }
}
