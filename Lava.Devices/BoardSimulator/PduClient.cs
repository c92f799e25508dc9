using System.Net.Sockets;
using System.Text;

namespace Lava.Devices.BoardSimulator;

/// <summary>
/// The client side of <see cref="SimulatedPdu"/>'s line protocol: sends one command and returns the answer line
/// (<c>ok</c>, <c>ok on</c>, <c>error: …</c>). Throws <see cref="IOException"/> or <see cref="SocketException"/> when
/// the PDU cannot be reached or closes without answering.
/// </summary>
public static class PduClient
{
    /// <summary>Sends <paramref name="command"/> (e.g. <c>on 3</c>) to the PDU at <paramref name="host"/>:<paramref name="port"/>.</summary>
    public static async Task<string> SendAsync(string host, int port, string command, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        using var client = new TcpClient();
        await client.ConnectAsync(host, port, ct).ConfigureAwait(false);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command.Trim() + "\n"), ct).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return await reader.ReadLineAsync(ct).ConfigureAwait(false)
            ?? throw new IOException($"the PDU at {host}:{port} closed the connection without answering '{command.Trim()}'");
    }
}
