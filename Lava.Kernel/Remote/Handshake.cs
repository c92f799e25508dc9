using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Lava.Kernel.Remote;

/// <summary>The first frame a dialing node sends; <see cref="Credential"/> is opaque to the transport.</summary>
internal sealed record HandshakeRequest(int Version, string Address, long Uid, string System, string[] Roles, byte[] Credential);

/// <summary>The listening side admitted the dialing node and names its own incarnation.</summary>
internal sealed record HandshakeAccepted(string Address, long Uid, string[] Roles);

/// <summary>The listening side refused; the connection is closed right after.</summary>
internal sealed record HandshakeRefused(string Reason);

/// <summary>Sending and receiving the single-frame messages of the handshake, before the connection loops run.</summary>
internal static class Handshake
{
    public const int Version = 1;
    public const string Path = "/lava/remote";
    private const int Limit = 64 * 1024;

    public static async Task SendAsync<T>(WebSocket socket, FrameKind kind, T body, CancellationToken cancellationToken)
    {
        var buffer = new FrameBuffer(512);
        var start = Frames.Begin(buffer, kind);
        Frames.WriteBytes(buffer, JsonSerializer.SerializeToUtf8Bytes(body));
        Frames.End(buffer, start);
        await socket.SendAsync(buffer.WrittenMemory, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads one handshake frame; null when the peer closed instead.</summary>
    public static async Task<(FrameKind Kind, byte[] Body)?> ReceiveAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new byte[Limit];
        var count = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            if (count == buffer.Length) throw new InvalidDataException($"handshake frame exceeds {Limit} bytes");
            result = await socket.ReceiveAsync(buffer.AsMemory(count), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            count += result.Count;
        }
        while (!result.EndOfMessage);
        if (count < Frames.HeaderSize) throw new InvalidDataException("truncated handshake frame");
        var length = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(1));
        if (length != count - Frames.HeaderSize) throw new InvalidDataException("malformed handshake frame");
        return ((FrameKind)buffer[0], buffer.AsSpan(Frames.HeaderSize, length).ToArray());
    }

    public static T Read<T>(byte[] body) => JsonSerializer.Deserialize<T>(body) ?? throw new InvalidDataException($"empty {typeof(T).Name}");

    /// <summary>A WebSocket close reason is limited to 123 bytes.</summary>
    public static string CloseReason(string reason)
    {
        while (Encoding.UTF8.GetByteCount(reason) > 123) reason = reason[..^1];
        return reason;
    }
}
