using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Lava.Devices.Consoles;
using Xunit;

namespace Lava.Devices.Tests.Consoles;

/// <summary>Skips a fact, with the reason, when ser2net or socat is missing, except under CI where it must fail.</summary>
internal sealed class RequiresSer2NetFactAttribute : FactAttribute
{
    public RequiresSer2NetFactAttribute()
    {
        if ((PtyPair.FindOnPath("ser2net") is null || !PtyPair.SocatInstalled) && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "ser2net or socat is not installed (apt-get install -y ser2net socat)";
        }
    }
}

/// <summary>A device dictionary's <c>telnet 127.0.0.1 PORT</c> reaching a pty through a real ser2net 4.</summary>
public sealed class Ser2NetSpec
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);

    [RequiresSer2NetFact]
    public async Task A_console_behind_ser2net_must_be_reached_by_its_connection_command()
    {
        await using var pair = await PtyPair.StartAsync();
        await using var board = pair.OpenBoard();
        var port = FreePort();
        var config = Path.Combine(Path.GetDirectoryName(pair.Device)!, "ser2net.yaml");
        await File.WriteAllTextAsync(config,
            $"connection: &dut\n  accepter: telnet,tcp,127.0.0.1,{port}\n  connector: serialdev,{pair.Device},115200n81,local\n");
        using var ser2net = Process.Start(new ProcessStartInfo(PtyPair.FindOnPath("ser2net")!, ["-n", "-d", "-c", config])
        { RedirectStandardOutput = true, RedirectStandardError = true })!;
        try
        {
            var log = new RecordingLog();
            await using var expect = new ConsoleExpect(await ConnectAsync($"telnet 127.0.0.1 {port}"), log);

            await board.WriteAsync("login: "u8.ToArray());
            await expect.ExpectAsync(["login: "], Long);
            await expect.SendLineAsync("root\xff");
            var typed = new byte[7];
            await board.ReadExactlyAsync(typed).AsTask().WaitAsync(Long);
            await board.WriteAsync(new byte[] { (byte)'#', 0xff, (byte)'\r', (byte)'\n', (byte)'#', (byte)' ' });
            var prompt = await expect.ExpectAsync(["# "], Long);

            Assert.Equal("root\xff\n", Encoding.UTF8.GetString(typed)); // U+00FF is C3 BF: no IAC on the line, no NUL after anything
            Assert.Equal("#\uFFFD\n", prompt.Before);
            Assert.Equal(@"#\xff", await log.WaitForTargetAsync(l => l.StartsWith('#')));
        }
        finally
        {
            ser2net.Kill();
            await ser2net.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    // ser2net takes a moment to listen after it starts.
    private static async Task<IConsoleConnection> ConnectAsync(string command)
    {
        using var deadline = new CancellationTokenSource(Long);
        while (true)
        {
            try
            {
                return await ConnectionCommand.Parse(command).OpenAsync(deadline.Token);
            }
            catch (ConsoleClosedException)
            {
                await Task.Delay(50, deadline.Token);
            }
        }
    }
}
