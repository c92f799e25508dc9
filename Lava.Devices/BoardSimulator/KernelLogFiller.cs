using System.Globalization;

namespace Lava.Devices.BoardSimulator;

/// <summary>
/// The extra kernel log lines of a board with <see cref="SimulatedBoardOptions.BootLogBytes"/>: numbered, each the same
/// length, so that whoever reads a console can tell which line it got and whether it got all of it.
/// </summary>
public static class KernelLogFiller
{
    /// <summary>The characters of each line, without its line end.</summary>
    public const int LineLength = 100;

    private const string Padding = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz";

    /// <summary>How many lines make at least <paramref name="bytes"/> bytes (each line ends with CR LF on the wire).</summary>
    public static long LinesFor(long bytes) => bytes <= 0 ? 0 : (bytes + LineLength + 1) / (LineLength + 2);

    /// <summary>Line <paramref name="index"/> (0-based), e.g. <c>[    0.700010] lava-sim: boot log line 00000001 abc...</c>.</summary>
    public static string Line(long index)
    {
        var head = string.Create(CultureInfo.InvariantCulture, $"[{0.7 + index * 0.00001,12:F6}] lava-sim: boot log line {index:D8} ");
        return head + Padding[..(LineLength - head.Length)];
    }
}
