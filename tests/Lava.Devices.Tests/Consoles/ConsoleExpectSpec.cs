using System.Text;
using Lava.Devices.Consoles;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Lava.Devices.Tests.Consoles;

/// <summary>The expect engine on a scripted console: matching, timeouts, sends, echo, and what reaches the log.</summary>
public sealed class ConsoleExpectSpec : IAsyncLifetime
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);

    private readonly ScriptedConsole _device = new();
    private readonly RecordingLog _log = new();
    private ConsoleExpect _expect = null!;

    public Task InitializeAsync()
    {
        _expect = new ConsoleExpect(_device, _log);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _expect.DisposeAsync();

    [Fact]
    public async Task A_pattern_split_across_reads_must_match_with_the_text_before_it()
    {
        _device.Print("U-Boot 2019.04\r\nHit any k");
        _device.Print("ey to stop autoboot:  3 ");

        var found = await _expect.ExpectAsync(["Hit any key to stop autoboot"], Long);

        Assert.Equal((0, "Hit any key to stop autoboot", "U-Boot 2019.04\n"), (found.Index, found.Text, found.Before));
    }

    [Fact]
    public async Task Of_several_patterns_the_one_earliest_in_the_output_must_win_and_consume_up_to_its_end()
    {
        _device.Print("Starting kernel ...\nLinux version 6.1.0\nlogin: ");

        var first = await _expect.ExpectAsync(["login:", @"Linux version (\d+)", "Starting kernel"], Long);
        var second = await _expect.ExpectAsync(["login:", @"Linux version (\d+)"], Long);
        var third = await _expect.ExpectAsync(["login:", @"Linux version (\d+)"], Long);

        Assert.Equal(2, first.Index);
        Assert.Equal((1, "6"), (second.Index, second.Match.Groups[1].Value));
        Assert.Equal((0, ".1.0\n"), (third.Index, third.Before));
    }

    [Fact]
    public async Task A_timeout_must_name_the_patterns_and_log_the_partial_line()
    {
        var clock = new FakeTimeProvider();
        var device = new ScriptedConsole();
        await using var expect = new ConsoleExpect(device, _log, clock: clock);
        device.Print("=> ");
        await WaitUntilReadAsync(expect, "=> ");

        var waiting = expect.ExpectAsync(["Linux version", "login:"], TimeSpan.FromSeconds(30));
        clock.Advance(TimeSpan.FromSeconds(30));
        var timeout = await Assert.ThrowsAsync<ConsoleTimeoutException>(() => waiting);

        Assert.Equal(["Linux version", "login:"], timeout.Patterns);
        Assert.Equal(TimeSpan.FromSeconds(30), timeout.Elapsed);
        Assert.Equal("=> ", timeout.LastOutput);
        Assert.Contains("'Linux version', 'login:'", timeout.Message, StringComparison.Ordinal);
        Assert.Equal(["=> "], _log.Targets);
    }

    [Fact]
    public async Task Complete_lines_must_be_logged_once_each_whatever_the_line_ending()
    {
        _device.Print("one\r\ntwo\r\r\nthree\nfour\r");
        _device.Print("\nfive\rsix\n\rseven\n");

        await _log.WaitForTargetAsync(l => l == "seven");

        Assert.Equal(["one", "two", "three", "four", "five", "six", "seven"], _log.Targets);
    }

    [Fact]
    public async Task Ansi_sequences_must_be_kept_escaped_in_the_log_and_invisible_to_patterns()
    {
        _device.Print("\x1b[1;32mOK\x1b[0m] Started \x1b[");
        _device.Print("1mJournal\x1b[0m\r\n");

        var found = await _expect.ExpectAsync(["OK] Started Journal"], Long);
        await _log.WaitForTargetAsync(l => l.Contains("Journal", StringComparison.Ordinal));

        Assert.Equal("OK] Started Journal", found.Text);
        Assert.Equal([@"\x1b[1;32mOK\x1b[0m] Started \x1b[1mJournal\x1b[0m"], _log.Targets);
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_must_never_throw_and_must_be_logged_escaped()
    {
        _device.Print(0xff, 0x00, (byte)'a', 0xc3); // 0xc3 starts a two-byte character...
        _device.Print(0xa9, 0x07, 0xe2, 0x82, (byte)'b', (byte)'\n'); // ...finished here; 0xe2 0x82 never is

        var found = await _expect.ExpectAsync(["b\n"], Long);
        await _log.WaitForTargetAsync(l => l.EndsWith('b'));

        Assert.Equal("\uFFFD\0aé\a\uFFFD", found.Before);
        Assert.Equal([@"\xff\x00aé\x07\xe2\x82b"], _log.Targets);
    }

    [Fact]
    public async Task A_closed_connection_must_end_an_expect_after_the_output_already_read_is_searched()
    {
        _device.Print("Kernel panic - not syncing\nend of output");
        _device.HangUp();

        var panic = await _expect.ExpectAsync(["Kernel panic"], Long);
        var closed = await Assert.ThrowsAsync<ConsoleClosedException>(() => _expect.ExpectAsync(["login:"], Long));

        Assert.Equal("Kernel panic", panic.Text);
        Assert.Contains("'login:'", closed.Message, StringComparison.Ordinal);
        Assert.Equal(["Kernel panic - not syncing", "end of output"], _log.Targets);
        await Assert.ThrowsAsync<ConsoleClosedException>(() => _expect.SendLineAsync("reboot"));
    }

    [Fact]
    public async Task Cancelling_an_expect_must_throw_operation_canceled_and_leave_the_engine_usable()
    {
        using var cancel = new CancellationTokenSource();
        var waiting = _expect.ExpectAsync(["never"], Long, cancel.Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        _device.Print("login: ");

        Assert.Equal("login:", (await _expect.ExpectAsync(["login:"], Long)).Text);
    }

    [Fact]
    public async Task A_line_must_be_sent_with_the_line_ending_and_logged_as_input_after_the_partial_prompt()
    {
        var device = new ScriptedConsole();
        await using var expect = new ConsoleExpect(device, _log, new ConsoleExpectOptions { LineEnding = "\r" });
        device.Print("=> ");
        await expect.ExpectAsync(["=> "], Long);

        await expect.SendLineAsync("bootm 0x82000000");
        await expect.SendControlAsync('c');

        Assert.Equal("bootm 0x82000000\r\x03", device.WrittenText());
        Assert.Equal([("target", "=> "), ("input", "bootm 0x82000000"), ("input", @"\x03")], _log.Entries);
    }

    [Fact]
    public async Task The_echo_of_a_sent_line_must_not_match_but_what_follows_it_must()
    {
        await _expect.SendLineAsync("echo DONE");
        _device.Print("echo DO");
        _device.Print("NE\r\nDONE\r\n# ");

        var found = await _expect.ExpectAsync(["DONE"], Long);

        Assert.Equal("", found.Before); // the echoed line, its end included, is skipped
        await _log.WaitForTargetAsync(l => l == "DONE");
        Assert.Equal(["echo DONE", "DONE"], _log.Targets);
    }

    [Fact]
    public async Task Output_that_differs_from_the_echo_must_stay_searchable()
    {
        await _expect.SendLineAsync("uname");
        _device.Print("[   12.3] usb 1-1: new device\nuname\n");

        var found = await _expect.ExpectAsync([@"usb \S+"], Long);

        Assert.Equal("usb 1-1:", found.Text);
    }

    [Fact]
    public async Task A_character_delay_must_write_one_character_at_a_time_and_wait_between_them()
    {
        var clock = new FakeTimeProvider();
        var delay = TimeSpan.FromMilliseconds(50);
        var device = new ScriptedConsole();
        await using var expect = new ConsoleExpect(device, _log, new ConsoleExpectOptions { CharacterDelay = delay }, clock);

        var sending = expect.SendLineAsync("ok");
        var writes = new List<(string Text, DateTimeOffset At)>();
        while (writes.Count < 3)
        {
            writes.Add(await NextWriteAsync(device, clock));
        }
        await sending.WaitAsync(Long);

        Assert.Equal(["o", "k", "\n"], writes.Select(w => w.Text));
        Assert.All(writes.Zip(writes.Skip(1)), pair => Assert.True(pair.Item2.At - pair.Item1.At >= delay, $"{pair} came early"));
    }

    [Fact]
    public async Task Disposing_must_log_the_partial_line_and_close_the_connection()
    {
        _device.Print("Booting Linux on physical CPU 0x0\nlast words");
        await WaitUntilReadAsync(_expect, "last words");

        await _expect.DisposeAsync();

        Assert.Equal(["Booting Linux on physical CPU 0x0", "last words"], _log.Targets);
        await Assert.ThrowsAsync<ConsoleClosedException>(() => _device.WriteAsync(new byte[1], default).AsTask());
    }

    [Fact]
    public async Task Discarding_must_drop_unmatched_output_from_the_search()
    {
        _device.Print("old prompt # ");
        await WaitUntilReadAsync(_expect, "old prompt # ");

        Assert.Equal("old prompt # ", _expect.DiscardUnmatched());
        _device.Print("new # ");
        Assert.Equal("new ", (await _expect.ExpectAsync(["# "], Long)).Before);
    }

    // Moves the fake clock on in small steps until the next write, returning it with the (fake) time it came at.
    private static async Task<(string Text, DateTimeOffset At)> NextWriteAsync(ScriptedConsole device, FakeTimeProvider clock)
    {
        using var deadline = new CancellationTokenSource(Long);
        byte[]? chunk;
        while (!device.Written.TryRead(out chunk))
        {
            deadline.Token.ThrowIfCancellationRequested();
            clock.Advance(TimeSpan.FromMilliseconds(10));
            await Task.Delay(1, deadline.Token);
        }
        return (Encoding.UTF8.GetString(chunk), clock.GetUtcNow());
    }

    // The engine has read text when an expect for it succeeds; put it back by matching nothing of it.
    private static async Task WaitUntilReadAsync(ConsoleExpect expect, string text) =>
        await expect.ExpectAsync([$"(?=({System.Text.RegularExpressions.Regex.Escape(text)}))"], Long);
}
