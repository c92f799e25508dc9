using System.Globalization;
using System.Text.RegularExpressions;

namespace Lava.Kernel.Configuration;

/// <summary>HOCON's units format: optional whitespace, a number, optional whitespace, an optional unit of letters.</summary>
internal static partial class ConfigUnits
{
    private static readonly Dictionary<string, double> TicksPerDurationUnit = BuildDurationUnits();
    private static readonly Dictionary<string, decimal> BytesPerSizeUnit = BuildSizeUnits();

    /// <summary>Parses <c>10s</c>, <c>1.5 minutes</c>, <c>250</c> (milliseconds) or <c>infinite</c>; null when the text is not a duration.</summary>
    public static TimeSpan? ParseDuration(string text)
    {
        if (text.Trim() == "infinite")
        {
            return Timeout.InfiniteTimeSpan;
        }

        if (!TrySplit(text, out var number, out var unit)
            || !TicksPerDurationUnit.TryGetValue(unit.Length == 0 ? "ms" : unit, out var ticksPerUnit))
        {
            return null;
        }

        var ticks = Math.Round((double)number * ticksPerUnit);
        return ticks is > long.MaxValue or < long.MinValue ? null : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Parses <c>512K</c>, <c>10 MiB</c>, <c>1kB</c> or <c>42</c> (bytes); null when the text is not a size or overflows.</summary>
    public static long? ParseByteSize(string text)
    {
        if (!TrySplit(text, out var number, out var unit) || !BytesPerSizeUnit.TryGetValue(unit, out var multiplier))
        {
            return null;
        }

        try
        {
            return (long)decimal.Round(number * multiplier);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static bool TrySplit(string text, out decimal number, out string unit)
    {
        var match = UnitsFormat().Match(text);
        number = 0;
        unit = string.Empty;
        if (!match.Success || !decimal.TryParse(match.Groups["number"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out number))
        {
            return false;
        }

        unit = match.Groups["unit"].Value;
        return true;
    }

    [GeneratedRegex(@"^\s*(?<number>[+-]?\d+(\.\d+)?([eE][+-]?\d+)?)\s*(?<unit>\p{L}*)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex UnitsFormat();

    private static Dictionary<string, double> BuildDurationUnits()
    {
        // Duration units are case sensitive and lowercase, as the spec says; TimeSpan ticks are 100 ns.
        var units = new Dictionary<string, double>(StringComparer.Ordinal);
        void Add(double ticks, params string[] names)
        {
            foreach (var name in names)
            {
                units[name] = ticks;
            }
        }

        Add(0.01, "ns", "nano", "nanos", "nanosecond", "nanoseconds");
        Add(10, "us", "micro", "micros", "microsecond", "microseconds");
        Add(TimeSpan.TicksPerMillisecond, "ms", "milli", "millis", "millisecond", "milliseconds");
        Add(TimeSpan.TicksPerSecond, "s", "second", "seconds");
        Add(TimeSpan.TicksPerMinute, "m", "minute", "minutes");
        Add(TimeSpan.TicksPerHour, "h", "hour", "hours");
        Add(TimeSpan.TicksPerDay, "d", "day", "days");
        return units;
    }

    private static Dictionary<string, decimal> BuildSizeUnits()
    {
        var units = new Dictionary<string, decimal>(StringComparer.Ordinal)
        {
            [string.Empty] = 1, ["B"] = 1, ["b"] = 1, ["byte"] = 1, ["bytes"] = 1,
        };
        (char Letter, string Decimal, string Binary)[] prefixes =
        [
            ('K', "kilo", "kibi"), ('M', "mega", "mebi"), ('G', "giga", "gibi"), ('T', "tera", "tebi"),
            ('P', "peta", "pebi"), ('E', "exa", "exbi"), ('Z', "zetta", "zebi"), ('Y', "yotta", "yobi"),
        ];
        decimal powerOfTen = 1;
        decimal powerOfTwo = 1;
        foreach (var (letter, tenName, twoName) in prefixes)
        {
            powerOfTen *= 1000;
            powerOfTwo *= 1024;
            var lower = char.ToLowerInvariant(letter);

            // Powers of ten need the B (`MB`); the bare letter means a power of two (`M`), as in the spec.
            // `kB` is the spec's spelling; `KB` is accepted as well because it is at least as common.
            foreach (var name in new[] { $"{letter}B", $"{tenName}byte", $"{tenName}bytes" })
            {
                units[name] = powerOfTen;
            }

            if (letter == 'K')
            {
                units["kB"] = powerOfTen;
            }

            foreach (var name in new[] { $"{letter}", $"{lower}", $"{letter}i", $"{letter}iB", $"{twoName}byte", $"{twoName}bytes" })
            {
                units[name] = powerOfTwo;
            }
        }

        return units;
    }
}
