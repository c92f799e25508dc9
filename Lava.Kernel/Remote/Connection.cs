using System.Buffers.Binary;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Lava.Kernel.Remote;

/// <summary>
/// One WebSocket to a peer, after its handshake: a writer that drains the association's lanes and a
/// reader that dispatches what arrives. Either loop failing ends both; the association outlives it.
/// </summary>
internal sealed class Connection
{
    private readonly RemoteTransport _transport;
    private readonly Association _association;
    private readonly WebSocket _socket;
    private readonly CancellationTokenSource _cts;
    private readonly FrameBuffer _reassembly = new(0);
    private readonly int _chunkSize;
    private readonly int _maximumFrameSize;

    public Connection(RemoteTransport transport, Association association, WebSocket socket, CancellationToken stopping)
    {
        _transport = transport;
        _association = association;
        _socket = socket;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(stopping, association.RemovedToken);
        _chunkSize = transport.Settings.ChunkSize;
        _maximumFrameSize = transport.Settings.MaximumFrameSize;
    }

    /// <summary>Completes when both loops have ended and the socket is closed.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Starts both loops; they run until the socket closes, fails or is aborted.</summary>
    public Task Start() => Completion = Task.Run(RunAsync);

    private async Task RunAsync()
    {
        var writer = Task.Run(WriteLoopAsync);
        try
        {
            await ReadLoopAsync(_cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            RemoteLog.ConnectionEnded(_transport.Log, _association.Node, e.Message);
        }
        catch (Exception e)
        {
            RemoteLog.ConnectionFailed(_transport.Log, e, _association.Node);
        }
        finally
        {
            _cts.Cancel();
            await writer.ConfigureAwait(false);
            _socket.Abort();
            _socket.Dispose();
        }
    }

    /// <summary>Drops the connection at once, as a network failure would.</summary>
    public void Abort()
    {
        _cts.Cancel();
        _socket.Abort();
    }

    private async Task WriteLoopAsync()
    {
        var token = _cts.Token;
        var batch = new FrameBuffer(_chunkSize * 2);
        var encoder = _transport.CreateEncoder(batch);
        byte[]? large = null;
        var largeOffset = 0;
        var closedCleanly = false;
        try
        {
            while (!token.IsCancellationRequested)
            {
                if (large is null && !_association.HasPending) await _association.WaitForFramesAsync(token).ConfigureAwait(false);
                batch.Clear();
                var shutdown = false;
                string? disconnect = null;
                while (batch.Count < _chunkSize && _association.TryDequeueControl(out var control))
                {
                    if (encoder.Encode(control) is not { } kind) continue;
                    _transport.TraceFrame(kind, controlLane: true);
                    if (kind != FrameKind.Disconnect) continue;
                    disconnect = control.Recipient;
                    break;
                }
                if (disconnect is not null)
                {
                    // Nothing follows a Disconnect: the peer learns why, then the socket closes.
                    await _socket.SendAsync(batch.WrittenMemory, WebSocketMessageType.Binary, endOfMessage: true, token).ConfigureAwait(false);
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.PolicyViolation, Handshake.CloseReason(disconnect), token).ConfigureAwait(false);
                    closedCleanly = true;
                    return;
                }
                if (large is null)
                {
                    while (batch.Count < _chunkSize && _association.TryDequeueData(out var data))
                    {
                        var start = batch.Count;
                        if (encoder.Encode(data) is not { } kind) continue;
                        _transport.TraceFrame(kind, controlLane: false);
                        if (kind == FrameKind.Shutdown)
                        {
                            shutdown = true;
                            break;
                        }
                        if (batch.Count - start <= _chunkSize) continue;
                        large = batch.WrittenSpan[start..].ToArray();
                        largeOffset = 0;
                        batch.Truncate(start);
                        break;
                    }
                }
                if (large is not null)
                {
                    // One fragment per send, so that control frames get a turn between fragments.
                    var length = Math.Min(_chunkSize, large.Length - largeOffset);
                    var last = largeOffset + length == large.Length;
                    var fragmentKind = last ? FrameKind.LastFragment : FrameKind.Fragment;
                    var start = Frames.Begin(batch, fragmentKind);
                    Frames.WriteBytes(batch, large.AsSpan(largeOffset, length));
                    Frames.End(batch, start);
                    _transport.TraceFrame(fragmentKind, controlLane: false);
                    largeOffset += length;
                    if (last) large = null;
                }
                if (batch.Count > 0)
                {
                    await _socket.SendAsync(batch.WrittenMemory, WebSocketMessageType.Binary, endOfMessage: true, token).ConfigureAwait(false);
                    await _transport.AfterSendAsync().ConfigureAwait(false);
                }
                if (shutdown)
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "shutdown", token).ConfigureAwait(false);
                    closedCleanly = true;
                    return;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            RemoteLog.ConnectionEnded(_transport.Log, _association.Node, e.Message);
        }
        catch (Exception e)
        {
            RemoteLog.ConnectionFailed(_transport.Log, e, _association.Node);
        }
        finally
        {
            // A failed writer must end the reader too, or the peer would look connected. After a clean
            // close the reader waits for the peer's close instead: an abort now could discard the
            // Shutdown frame still unread on the peer's side.
            if (!closedCleanly)
            {
                _cts.Cancel();
                _socket.Abort();
            }
        }
    }

    private async Task ReadLoopAsync(CancellationToken token)
    {
        var buffer = new byte[_chunkSize * 2 + 1024];
        var limit = _maximumFrameSize + _chunkSize + 1024;
        while (!token.IsCancellationRequested)
        {
            var count = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (count == buffer.Length)
                {
                    if (buffer.Length >= limit) throw new InvalidDataException($"a message from {_association.Node} exceeds {limit} bytes");
                    Array.Resize(ref buffer, Math.Min(limit, buffer.Length * 2));
                }
                result = await _socket.ReceiveAsync(buffer.AsMemory(count), token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close) return;
                count += result.Count;
            }
            while (!result.EndOfMessage);
            ProcessFrames(buffer.AsSpan(0, count));
        }
    }

    private void ProcessFrames(ReadOnlySpan<byte> frames)
    {
        while (frames.Length > 0)
        {
            if (frames.Length < Frames.HeaderSize) throw new InvalidDataException("truncated frame header");
            var kind = (FrameKind)frames[0];
            var length = BinaryPrimitives.ReadInt32LittleEndian(frames[1..]);
            if (length < 0 || length > frames.Length - Frames.HeaderSize) throw new InvalidDataException($"frame of {length} bytes overruns its message");
            var body = frames.Slice(Frames.HeaderSize, length);
            frames = frames[(Frames.HeaderSize + length)..];
            switch (kind)
            {
                case FrameKind.Fragment:
                case FrameKind.LastFragment:
                    if (_reassembly.Count + body.Length > _maximumFrameSize + Frames.HeaderSize)
                        throw new InvalidDataException($"a fragmented frame from {_association.Node} exceeds {_maximumFrameSize} bytes");
                    Frames.WriteBytes(_reassembly, body);
                    if (kind == FrameKind.LastFragment)
                    {
                        ProcessFrames(_reassembly.WrittenSpan);
                        _reassembly.Clear();
                    }
                    break;
                case FrameKind.Shutdown:
                    _transport.OnPeerShutdown(_association);
                    break;
                case FrameKind.Disconnect:
                    _transport.OnPeerDisconnect(_association, new FrameReader(body).ReadString());
                    break;
                default:
                    Dispatch(kind, body);
                    break;
            }
        }
    }

    private void Dispatch(FrameKind kind, ReadOnlySpan<byte> body)
    {
        try
        {
            _transport.Dispatch(_association, kind, body);
        }
        catch (JsonException e)
        {
            // A payload this node cannot read is dropped; the link stays up.
            RemoteLog.UnreadableFrame(_transport.Log, e, kind, _association.Node);
        }
    }
}
