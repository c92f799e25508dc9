using Lava.Devices.Consoles;
using Xunit;

namespace Lava.Devices.Tests.Consoles;

/// <summary>The child-process transport with real processes: stdio both ways, stderr, exit codes, and the kill on close.</summary>
public sealed class ProcessConsoleSpec
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_command_must_read_what_is_typed_and_its_answers_must_be_matched()
    {
        var log = new RecordingLog();
        var console = await ConnectionCommand.Parse("sh -c 'while read l; do echo \"got $l\"; done'").OpenAsync(CancellationToken.None);
        await using var expect = new ConsoleExpect(console, log);

        await expect.SendLineAsync("hello");
        var found = await expect.ExpectAsync([@"got (\w+)"], Long);

        Assert.IsType<ProcessConsole>(console);
        Assert.Equal("hello", found.Match.Groups[1].Value);
        Assert.Equal("got hello", await log.WaitForTargetAsync(l => l.StartsWith("got", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Stderr_must_be_read_with_stdout_and_the_exit_must_end_the_stream_with_its_code()
    {
        var log = new RecordingLog();
        var console = ProcessConsole.Start(["sh", "-c", "echo on-stdout; echo on-stderr >&2; exit 3"]);
        await using var expect = new ConsoleExpect(console, log);

        var closed = await Assert.ThrowsAsync<ConsoleClosedException>(() => expect.ExpectAsync(["never printed"], Long));

        Assert.Equal(3, await console.Exited.WaitAsync(Long));
        Assert.Equal(["on-stderr", "on-stdout"], log.Targets.Order());
        Assert.Contains("closed by the far end", closed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Closing_must_kill_the_process_and_what_it_started()
    {
        var console = ProcessConsole.Start(["sh", "-c", "sleep 300 & echo child $!; wait"]);
        var expect = new ConsoleExpect(console, new RecordingLog());
        var child = int.Parse((await expect.ExpectAsync([@"child (\d+)"], Long)).Match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);

        await expect.DisposeAsync();

        Assert.NotEqual(0, await console.Exited.WaitAsync(Long));
        await WaitUntilGoneAsync(child);
    }

    [Fact]
    public void A_program_that_does_not_exist_must_fail_with_console_closed()
    {
        var failed = Assert.Throws<ConsoleClosedException>(() => ProcessConsole.Start(["/nonexistent/qemu-system-arm", "-serial", "stdio"]));

        Assert.Contains("/nonexistent/qemu-system-arm", failed.Message, StringComparison.Ordinal);
    }

    // A killed process is gone or a zombie waiting for a reaper that is not ours.
    private static async Task WaitUntilGoneAsync(int pid)
    {
        using var deadline = new CancellationTokenSource(Long);
        while (File.Exists($"/proc/{pid}/stat") && !(await ReadStateAsync(pid) is 'Z' or null))
        {
            await Task.Delay(20, deadline.Token);
        }
    }

    private static async Task<char?> ReadStateAsync(int pid)
    {
        try
        {
            var stat = await File.ReadAllTextAsync($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0];
        }
        catch (IOException)
        {
            return null;
        }
    }
}
