using Lava.Devices.TestShell;
using Xunit;

namespace Lava.Devices.Tests.TestShell;

/// <summary>The console's signals read line by line, wherever they sit in a line.</summary>
public sealed class SignalParserSpec
{
    [Fact]
    public void Signals_must_be_read_in_the_middle_of_lines_with_cr_and_ansi_escapes_and_split_between_feeds()
    {
        var parser = new SignalParser();

        var first = parser.Feed("noise \x1b[31m<LAVA_SIGNAL_STARTRUN 0_smoke 42_0.0>\x1b[0m\r\n<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=boot RES");
        var second = parser.Feed("ULT=pass UNITS=s MEASUREMENT=12.7>\r\n[  3.1] kernel <LAVA_SIGNAL_TESTSET START net> tail\n");

        Assert.Equal([new StartRun("0_smoke", "42_0.0")], first);
        Assert.Equal(2, second.Count);
        var tc = Assert.IsType<TestCase>(second[0]);
        Assert.Equal(("boot", "pass", "12.7", "s"), (tc.Id, tc.Result, tc.Measurement, tc.Units));
        Assert.Equal(new TestSetStart("net"), second[1]);
    }

    [Fact]
    public void Every_signal_kind_must_be_typed()
    {
        var parser = new SignalParser();

        var signals = parser.Feed(string.Join('\n',
            "<LAVA_SIGNAL_ENDRUN 0_smoke u1>", "<LAVA_SIGNAL_STARTTC a>", "<LAVA_SIGNAL_ENDTC a>", "<LAVA_SIGNAL_TESTSET STOP>",
            "<LAVA_SIGNAL_TESTRAISE disk is on fire>", "<LAVA_SIGNAL_TESTREFERENCE doc pass https://example.org/x>",
            "<LAVA_SIGNAL_TESTEVENT hello>", "<LAVA_SIGNAL_TESTFEEDBACK other>", "<LAVA_TEST_RUNNER INSTALL_FAIL>",
            "<LAVA_MULTI_NODE> <LAVA_SEND ready ip=10.0.0.2 port=80>", "<LAVA_MULTI_NODE> <LAVA_WAIT_ALL go server>",
            "<LAVA_TEST_RUNNER EXIT>", ""));

        Assert.Equal(12, signals.Count);
        Assert.Equal(new EndRun("0_smoke", "u1"), signals[0]);
        Assert.Equal(new StartTestCase("a"), signals[1]);
        Assert.Equal(new EndTestCase("a"), signals[2]);
        Assert.IsType<TestSetStop>(signals[3]);
        Assert.Equal(new TestRaise("disk is on fire"), signals[4]);
        Assert.Equal(new TestReference("doc", "pass", "https://example.org/x"), signals[5]);
        Assert.Equal(new TestEvent("hello"), signals[6]);
        Assert.Equal(new TestFeedback("other"), signals[7]);
        Assert.IsType<RunnerInstallFail>(signals[8]);
        var send = Assert.IsType<MultinodeRequest>(signals[9]);
        Assert.Equal(("LAVA_SEND", "ready", "ip=10.0.0.2 port=80"), (send.Api, send.MessageId, string.Join(' ', send.Arguments)));
        var waitAll = Assert.IsType<MultinodeRequest>(signals[10]);
        Assert.Equal(("LAVA_WAIT_ALL", "go", "server"), (waitAll.Api, waitAll.MessageId, string.Join(' ', waitAll.Arguments)));
        Assert.IsType<RunnerExit>(signals[11]);
    }

    [Fact]
    public void Malformed_signals_must_be_reported_not_thrown()
    {
        var parser = new SignalParser();

        var signals = parser.Feed("<LAVA_SIGNAL_TESTCASE TEST_CASE_ID=x RESULT>\n<LAVA_SIGNAL_TESTSET START>\n<LAVA_SIGNAL_TESTREFERENCE a pass>\n<LAVA_SIGNAL_STARTRUN 0_x[   12.1] usb 1-1: new device\n");

        Assert.Equal(4, signals.Count);
        Assert.All(signals, s => Assert.IsType<MalformedSignal>(s));
        Assert.Contains("malformed parameter", ((MalformedSignal)signals[0]).Reason, StringComparison.Ordinal);
        Assert.Equal("Test set declared without a name", ((MalformedSignal)signals[1]).Reason);
        Assert.Equal("Invalid use of TESTREFERENCE", ((MalformedSignal)signals[2]).Reason);
        Assert.Equal("incomplete signal", ((MalformedSignal)signals[3]).Reason);
    }

    [Fact]
    public void Flush_must_read_the_last_line_without_its_end()
    {
        var parser = new SignalParser();

        Assert.Empty(parser.Feed("<LAVA_TEST_RUNNER EXIT>"));
        Assert.IsType<RunnerExit>(Assert.Single(parser.Flush()));
        Assert.Empty(parser.Flush());
    }
}
