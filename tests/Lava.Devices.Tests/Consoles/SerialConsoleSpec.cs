using System.Text;
using Lava.Devices.Consoles;
using Xunit;

namespace Lava.Devices.Tests.Consoles;

/// <summary>The tty transport on a real pty pair: the board's output is matched and logged, what is typed reaches the board.</summary>
public sealed class SerialConsoleSpec
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);

    [RequiresSocatFact]
    public async Task A_tty_console_must_carry_every_byte_both_ways()
    {
        await using var pair = await PtyPair.StartAsync();
        await using var board = pair.OpenBoard();
        await using var console = SerialConsole.Open(pair.Device);
        var all = Enumerable.Range(0, 256).Select(b => (byte)b).ToArray();

        await board.WriteAsync(all);
        var read = await ReadAsync(console, all.Length);
        await console.WriteAsync(all, CancellationToken.None);
        var written = new byte[all.Length];
        await board.ReadExactlyAsync(written).AsTask().WaitAsync(Long);

        Assert.Equal(all, read);
        Assert.Equal(all, written);
        Assert.Equal($"serial {pair.Device}@115200", console.Description);
    }

    [RequiresSocatFact]
    public async Task An_expect_session_on_a_tty_must_interrupt_a_bootloader_and_type_slowly()
    {
        await using var pair = await PtyPair.StartAsync();
        await using var board = pair.OpenBoard();
        var log = new RecordingLog();
        var options = new ConsoleExpectOptions { LineEnding = "\r", CharacterDelay = TimeSpan.FromMilliseconds(5) };
        await using var expect = new ConsoleExpect(SerialConsole.Open(pair.Device, 9600), log, options);

        await board.WriteAsync("\x1b[0mU-Boot 2023.01\r\nHit any key to stop autoboot:  1 \x08\x08\x08"u8.ToArray());
        await expect.ExpectAsync(["Hit any key to stop autoboot"], Long);
        await expect.SendAsync(" ");
        await board.WriteAsync("\r\n=> "u8.ToArray());
        await expect.ExpectAsync(["=> "], Long);
        await expect.SendLineAsync("boot");
        var typed = new byte[6];
        await board.ReadExactlyAsync(typed).AsTask().WaitAsync(Long);

        Assert.Equal(" boot\r", Encoding.ASCII.GetString(typed));
        Assert.Equal(@"\x1b[0mU-Boot 2023.01", log.Targets[0]);
        Assert.Equal(@"Hit any key to stop autoboot:  1 \x08\x08\x08", log.Targets[1]);
    }

    [RequiresSocatFact]
    public async Task Closing_must_end_a_pending_read_with_console_closed()
    {
        await using var pair = await PtyPair.StartAsync();
        var console = SerialConsole.Open(pair.Device);
        var reading = console.ReadAsync(new byte[16], CancellationToken.None).AsTask();

        await console.CloseAsync();

        await Assert.ThrowsAsync<ConsoleClosedException>(() => reading.WaitAsync(Long));
    }

    [RequiresSocatFact]
    public async Task A_tty_whose_other_end_goes_away_must_end_an_expect_with_console_closed()
    {
        var pair = await PtyPair.StartAsync();
        await using var expect = new ConsoleExpect(SerialConsole.Open(pair.Device), new RecordingLog());
        var waiting = expect.ExpectAsync(["login:"], TimeSpan.FromMinutes(1));

        await pair.DisposeAsync();

        await Assert.ThrowsAsync<ConsoleClosedException>(() => waiting.WaitAsync(Long));
    }

    [Fact]
    public void A_tty_that_does_not_exist_must_fail_with_console_closed() =>
        Assert.Throws<ConsoleClosedException>(() => SerialConsole.Open("/dev/lava-no-such-tty"));

    private static async Task<byte[]> ReadAsync(IConsoleConnection console, int count)
    {
        using var deadline = new CancellationTokenSource(Long);
        var data = new List<byte>();
        var buffer = new byte[512];
        while (data.Count < count)
        {
            var read = await console.ReadAsync(buffer, deadline.Token);
            Assert.NotEqual(0, read);
            data.AddRange(buffer[..read]);
        }
        return [.. data];
    }
}
