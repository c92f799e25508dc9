using Lava.Actors.Jobs.Logs;
using Xunit;

namespace Lava.Actors.Tests.Jobs.Logs;

public sealed class LogLineSpecs
{
    private static DateTimeOffset At(string iso) => DateTimeOffset.Parse(iso + "Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void Format_must_write_the_spec_examples_byte_for_byte()
    {
        Assert.Equal(
            """- {"dt": "2023-01-10T10:00:00.123456", "lvl": "info", "msg": "start: 1 tftp-deploy (timeout 00:10:00) [common]"}""",
            LogLine.Format(LogRecord.Text(At("2023-01-10T10:00:00.123456"), "info", "start: 1 tftp-deploy (timeout 00:10:00) [common]")));
        Assert.Equal(
            """- {"dt": "2023-01-10T10:00:07.500000", "lvl": "target", "msg": "U-Boot 2019.04 (Jun 10 2019)"}""",
            LogLine.Format(LogRecord.Text(At("2023-01-10T10:00:07.5"), "target", "U-Boot 2019.04 (Jun 10 2019)")));
        var results = LogMap.Of(("case", new LogText("uname")), ("definition", new LogText("0_smoke")), ("result", new LogText("pass")));
        Assert.Equal(
            """- {"dt": "2023-01-10T10:01:01.000001", "lvl": "results", "msg": {"case": "uname", "definition": "0_smoke", "result": "pass"}}""",
            LogLine.Format(new LogRecord(At("2023-01-10T10:01:01.000001"), "results", results)));
    }

    [Fact]
    public void Format_must_write_dt_in_utc_and_ns_last()
    {
        var record = LogRecord.Text(new DateTimeOffset(2023, 1, 10, 12, 0, 0, TimeSpan.FromHours(2)), "feedback", "hi", "target");
        Assert.Equal("""- {"dt": "2023-01-10T10:00:00.000000", "lvl": "feedback", "msg": "hi", "ns": "target"}""", LogLine.Format(record));
    }

    [Fact]
    public void Format_must_escape_control_and_non_ascii_characters_as_pyyaml_does()
    {
        var line = LogLine.Format(LogRecord.Text(At("2023-01-10T10:00:00"), "target", "a\"b\\c\td\r\n\x1B[0m\0\x7F é€😀\u2028"));
        Assert.Equal("""- {"dt": "2023-01-10T10:00:00.000000", "lvl": "target", "msg": "a\"b\\c\td\r\n\e[0m\0\x7F \xE9\u20AC\U0001F600\L"}""", line);
    }

    [Fact]
    public void Numbers_in_a_results_map_carry_their_tag()
    {
        var map = LogMap.Of(("case", new LogText("boot")), ("duration", new LogFloat(1.5)), ("level", new LogInteger(3)),
            ("extra", LogMap.Of(("n", new LogFloat(2)))));
        var line = LogLine.Format(new LogRecord(At("2023-01-10T10:00:00"), "results", map));
        Assert.Equal("""- {"dt": "2023-01-10T10:00:00.000000", "lvl": "results", "msg": {"case": "boot", "duration": !!float "1.5", "level": !!int "3", "extra": {"n": !!float "2.0"}}}""", line);
        Assert.Equal(new LogRecord(At("2023-01-10T10:00:00"), "results", map), LogLine.Parse(line));
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("")]
    [InlineData("tab\there, nul\0, bell\a, esc\x1B, del\x7F, nel\x85, nbsp\xA0, bom\uFEFF, lone\uD800 surrogate")]
    [InlineData("ünïcödé 日本語 😀 \"quotes\" \\ back")]
    public void Parse_must_read_back_what_format_wrote(string msg)
    {
        var record = LogRecord.Text(At("2024-02-29T23:59:59.999999"), "debug", msg, "ns 1");
        Assert.Equal(record, LogLine.Parse(LogLine.Format(record)));
    }

    [Fact]
    public void Parse_must_accept_python_timestamps_without_a_fraction()
    {
        var record = LogLine.Parse("""- {"dt": "2023-01-10T10:00:00", "lvl": "info", "msg": "x"}""");
        Assert.Equal(At("2023-01-10T10:00:00"), record.Dt);
    }

    [Fact]
    public void A_record_longer_than_a_million_characters_is_replaced()
    {
        var dt = At("2023-01-10T10:00:00");
        var line = LogLine.Format(LogRecord.Text(dt, "target", new string('a', 1_000_000)));
        Assert.Equal("""- {"dt": "2023-01-10T10:00:00.000000", "lvl": "target", "msg": "<line way too long ...>"}""", line);

        var fits = new string('a', LogLine.MaxRecordLength - """{"dt": "2023-01-10T10:00:00.000000", "lvl": "target", "msg": ""}""".Length);
        Assert.Equal(fits, ((LogText)LogLine.Parse(LogLine.Format(LogRecord.Text(dt, "target", fits))).Msg).Value);
        Assert.Equal(LogLine.TooLongMessage, ((LogText)LogLine.Parse(LogLine.Format(LogRecord.Text(dt, "target", fits + "a"))).Msg).Value);
    }

    [Theory]
    [InlineData("{\"dt\": \"2023-01-10T10:00:00\", \"lvl\": \"info\", \"msg\": \"x\"}", "expected '- '")]
    [InlineData("- {\"dt\": \"2023-01-10T10:00:00\", \"lvl\": \"info\", \"msg\": \"x", "unterminated string")]
    [InlineData("- {\"dt\": \"2023-01-10T10:00:00\", \"lvl\": \"info\"}", "missing key 'msg'")]
    [InlineData("- {\"dt\": \"yesterday\", \"lvl\": \"info\", \"msg\": \"x\"}", "'dt' is not a timestamp")]
    [InlineData("- {\"dt\": \"2023-01-10T10:00:00\", \"lvl\": \"info\", \"msg\": \"\\q\"}", "unknown escape")]
    [InlineData("- {\"dt\": \"2023-01-10T10:00:00\", \"lvl\": \"info\", \"msg\": \"x\"} trailing", "unexpected text")]
    [InlineData("- {\"dt\": \"2023-01-10T10:00:00\", \"lvl\": \"info\", \"msg\": \"\\UFFFFFFFF\"}", "is not a code point")]
    [InlineData("- {\"dt\": \"2023-01-10T10:00:00\", \"lvl\": \"info\", \"msg\": \"\\xZZ\"}", "bad 2-digit hex escape")]
    public void Parse_must_name_the_problem_of_a_bad_line(string line, string problem)
    {
        var ex = Assert.Throws<FormatException>(() => LogLine.Parse(line));
        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
    }
}
