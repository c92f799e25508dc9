using System.Text;
using Lava.Actors.Jobs.Logs;
using Xunit;

namespace Lava.Actors.Tests.Jobs.Logs;

public sealed class LogLineBytesSpecs
{
    private static readonly DateTimeOffset At = new(2023, 1, 10, 10, 0, 0, 123, 456, TimeSpan.Zero);

    public static TheoryData<string> Formatted() => new(
        LogLine.Format(LogRecord.Text(At, "target", "U-Boot 2019.04 (Jun 10 2019)")),
        LogLine.Format(LogRecord.Text(At, "target", "a\"b\\c\td\r\n\x1B[0m\0\x7F \u0085\u00A0\u2028\u2029 é€")),
        LogLine.Format(LogRecord.Text(At, "feedback", "", "target")),
        LogLine.Format(LogRecord.Text(At, "info", "/ slashes and 'quotes' {braces}: [lists], #hash")));

    [Theory]
    [MemberData(nameof(Formatted))]
    public void A_text_record_as_Format_writes_it_must_be_recognised(string line)
    {
        Assert.True(LogLineBytes.IsWellFormed(Encoding.UTF8.GetBytes(line)));
        LogLine.Parse(line); // and the parser agrees
    }

    [Theory]
    [InlineData("""- {"dt": "2023-13-10T10:00:00.000000", "lvl": "info", "msg": "month 13"}""")]
    [InlineData("""- {"dt": "2023-01-10T10:00:00", "lvl": "info", "msg": "no fraction"}""")]
    [InlineData("""- {"dt": "2023-01-10T10:00:00.000000", "lvl": "info", "msg": "open""")]
    [InlineData("""- {"dt": "2023-01-10T10:00:00.000000", "lvl": "info", "msg": "x"} trailing""")]
    [InlineData("""- {"dt": "2023-01-10T10:00:00.000000", "lvl": "info", "msg": "bad \q escape"}""")]
    [InlineData("""- {"dt": "2023-01-10T10:00:00.000000", "lvl": "info", "msg": "short \x4 hex"}""")]
    [InlineData("""- {"dt": "2023-01-10T10:00:00.000000", "lvl": "info", "msg": "\U0001F600"}""")]
    [InlineData("""- {"lvl": "info", "dt": "2023-01-10T10:00:00.000000", "msg": "other order"}""")]
    [InlineData("""- {"dt": "2023-01-10T10:00:00.000000", "lvl": "results", "msg": {"case": "map"}}""")]
    [InlineData("""- {"dt": "2023-01-10T10:00:00.000000", "lvl": "info", "msg": "raw é"}""")]
    [InlineData("""- {"dt": "2023-01-10T10:00:00.000000", "lvl": "info", "msg": "x", "extra": "y"}""")]
    [InlineData("not a record")]
    public void Anything_else_must_be_left_to_the_parser(string line) =>
        Assert.False(LogLineBytes.IsWellFormed(Encoding.UTF8.GetBytes(line)));

    [Fact]
    public void A_record_too_long_for_LAVA_must_be_left_to_the_parser()
    {
        var line = LogLine.Format(LogRecord.Text(At, "target", new string('x', LogLine.MaxRecordLength - 70)));
        var longer = line.Replace("xx", "xxxxx", StringComparison.Ordinal);

        Assert.True(LogLineBytes.IsWellFormed(Encoding.UTF8.GetBytes(line)));
        Assert.False(LogLineBytes.IsWellFormed(Encoding.UTF8.GetBytes(longer)));
    }
}
