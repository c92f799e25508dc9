using System.Net;
using System.Net.Sockets;
using System.Text;
using Lava.Devices.Consoles;
using Xunit;

namespace Lava.Devices.Tests.Consoles;

/// <summary>The telnet transport against a real socket served the way ser2net 4 serves a port.</summary>
public sealed class TelnetConsoleSpec : IAsyncLifetime
{
    // What ser2net 4.3 sends on accepting a telnet connection (captured from it).
    private static readonly byte[] Ser2NetHello = [255, 251, 3, 255, 253, 3, 255, 251, 1, 255, 254, 1, 255, 253, 0, 255, 251, 0];

    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private Socket _server = null!;
    private TelnetConsole _console = null!;

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async Task InitializeAsync()
    {
        _listener.Start();
        var accepting = _listener.AcceptSocketAsync();
        _console = await TelnetConsole.ConnectAsync("127.0.0.1", Port, CancellationToken.None);
        _server = await accepting.WaitAsync(Long);
    }

    public async Task DisposeAsync()
    {
        await _console.DisposeAsync();
        _server.Dispose();
        _listener.Stop();
    }

    [Fact]
    public async Task The_negotiation_of_ser2net_must_be_answered_and_kept_out_of_the_data()
    {
        await _server.SendAsync(Ser2NetHello.Concat("hello"u8.ToArray()).ToArray());

        var data = await ReadAtLeastAsync(5);
        var replies = await ServerReceivesAsync(15);

        Assert.Equal("hello", Encoding.ASCII.GetString(data));
        Assert.Equal([255, 253, 3, 255, 251, 3, 255, 253, 1, 255, 252, 0, 255, 254, 0], replies);
    }

    [Fact]
    public async Task Iac_in_the_data_must_arrive_once_even_when_split_between_segments()
    {
        await _server.SendAsync(new byte[] { (byte)'a', 255 });
        var first = await ReadAtLeastAsync(1);
        await _server.SendAsync(new byte[] { 255, (byte)'b', 255, 241, 255, 250, 44, 1, 255, 240, (byte)'c' });

        var rest = await ReadAtLeastAsync(3 - first.Length + 1);

        Assert.Equal([(byte)'a', 255, (byte)'b', (byte)'c'], first.Concat(rest));
    }

    [Fact]
    public async Task Iac_written_must_be_doubled_on_the_wire()
    {
        await _console.WriteAsync(new byte[] { (byte)'x', 255, (byte)'\r' }, CancellationToken.None);

        Assert.Equal([(byte)'x', 255, 255, (byte)'\r'], await ServerReceivesAsync(4));
    }

    [Fact]
    public async Task A_hang_up_must_read_as_the_end_and_a_closed_console_must_refuse_io()
    {
        _server.Shutdown(SocketShutdown.Both);

        Assert.Equal(0, await _console.ReadAsync(new byte[16], CancellationToken.None));
        await _console.CloseAsync();
        await Assert.ThrowsAsync<ConsoleClosedException>(() => _console.ReadAsync(new byte[16], CancellationToken.None).AsTask());
        await Assert.ThrowsAsync<ConsoleClosedException>(() => _console.WriteAsync(new byte[1], CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task Closing_must_end_a_pending_read_with_console_closed()
    {
        var reading = _console.ReadAsync(new byte[16], CancellationToken.None).AsTask();

        await _console.CloseAsync();

        await Assert.ThrowsAsync<ConsoleClosedException>(() => reading.WaitAsync(Long));
    }

    [Fact]
    public async Task A_port_nobody_listens_on_must_fail_with_console_closed()
    {
        var unused = new TcpListener(IPAddress.Loopback, 0);
        unused.Start();
        var port = ((IPEndPoint)unused.LocalEndpoint).Port;
        unused.Stop();

        var refused = await Assert.ThrowsAsync<ConsoleClosedException>(() => TelnetConsole.ConnectAsync("127.0.0.1", port, CancellationToken.None));

        Assert.Contains($"telnet 127.0.0.1 {port}", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_expect_session_over_telnet_must_match_log_and_type_through_the_negotiation()
    {
        var log = new RecordingLog();
        await using var expect = new ConsoleExpect(_console, log);
        await _server.SendAsync(Ser2NetHello.Concat("U-Boot SPL\r\nHit any key to st"u8.ToArray()).ToArray());
        await _server.SendAsync("op autoboot: 2\xff\r\n"u8.ToArray().Append((byte)0xff).Append((byte)0xff).Concat("\r\n=> "u8.ToArray()).ToArray());

        var found = await expect.ExpectAsync(["Hit any key to stop autoboot", "=> "], Long);
        await expect.ExpectAsync(["=> "], Long);
        await expect.SendLineAsync("printenv");
        var typed = await ServerReceivesAsync(15 + 9);

        Assert.Equal(0, found.Index);
        Assert.Equal("printenv\n", Encoding.ASCII.GetString(typed[15..]));
        Assert.Equal(["U-Boot SPL", "Hit any key to stop autoboot: 2ÿ", @"\xff", "=> "], log.Targets);
        Assert.Equal(("input", "printenv"), log.Entries[^1]);
    }

    private async Task<byte[]> ReadAtLeastAsync(int count)
    {
        using var deadline = new CancellationTokenSource(Long);
        var data = new List<byte>();
        var buffer = new byte[256];
        while (data.Count < count)
        {
            var read = await _console.ReadAsync(buffer, deadline.Token);
            Assert.NotEqual(0, read);
            data.AddRange(buffer[..read]);
        }
        return [.. data];
    }

    private async Task<byte[]> ServerReceivesAsync(int count)
    {
        using var deadline = new CancellationTokenSource(Long);
        var buffer = new byte[count];
        var received = 0;
        while (received < count)
        {
            var read = await _server.ReceiveAsync(buffer.AsMemory(received), deadline.Token);
            Assert.NotEqual(0, read);
            received += read;
        }
        return buffer;
    }
}
