using System.Text.Json;
using Lava.Kernel.Remote;

namespace Lava.Kernel;

/// <summary>Encoding what leaves this node and dispatching what arrives.</summary>
public sealed partial class RemoteTransport
{
    private Action<FrameKind, bool>? _frameTrace;
    private Func<ValueTask>? _afterSend;

    /// <summary>Observes every frame a writer puts on the wire, with its lane; for tests.</summary>
    internal void SetFrameTrace(Action<FrameKind, bool>? trace) => _frameTrace = trace;

    /// <summary>Runs after every WebSocket send; lets tests hold a writer between fragments.</summary>
    internal void SetAfterSend(Func<ValueTask>? afterSend) => _afterSend = afterSend;

    internal void TraceFrame(FrameKind kind, bool controlLane) => _frameTrace?.Invoke(kind, controlLane);

    internal ValueTask AfterSendAsync() => _afterSend?.Invoke() ?? ValueTask.CompletedTask;

    internal FrameEncoder CreateEncoder(FrameBuffer buffer) => new(this, buffer);

    /// <summary>Dispatches one frame that arrived from <paramref name="from"/>, on its connection's reader.</summary>
    internal void Dispatch(Association from, FrameKind kind, ReadOnlySpan<byte> body)
    {
        var reader = new FrameReader(body);
        switch (kind)
        {
            case FrameKind.Message:
            case FrameKind.Watch:
            case FrameKind.Unwatch:
                if (from.Refusal is not null) return;
                var recipientPath = reader.ReadString();
                var senderPath = NoSenderIfDeadLetters(reader.ReadString());
                if (!IsAuthorized(from, kind, recipientPath) || !IsOwnSender(from, kind, senderPath)) return;
                if (kind == FrameKind.Message) DeliverMessage(from, recipientPath, senderPath, ref reader);
                else if (kind == FrameKind.Watch) OnRemoteWatch(from, recipientPath, senderPath);
                else OnRemoteUnwatch(from, recipientPath, senderPath);
                break;
            case FrameKind.DeathWatchNotification:
                var watcherPath = reader.ReadString();
                var terminatedPath = NoSenderIfDeadLetters(reader.ReadString());
                if (!IsOwnSender(from, kind, terminatedPath)) return;
                OnRemoteDeathWatchNotification(watcherPath, terminatedPath, reader.ReadByte());
                break;
            default:
                throw new InvalidDataException($"unexpected {kind} frame from {from.Node}");
        }
    }

    private void DeliverMessage(Association from, string recipientPath, string senderPath, ref FrameReader reader)
    {
        var manifest = reader.ReadString();
        if (System.Serialization.ForManifest(manifest) is not { } entry)
        {
            RemoteLog.UnknownManifest(Log, from.Node, recipientPath, manifest);
            return;
        }
        var message = entry.Read(reader.Rest, JsonOptions);
        var sender = Refs.Resolve(senderPath);
        if (Refs.ResolveLocal(recipientPath) is { } recipient)
        {
            recipient.Tell(message, sender);
        }
        else if (message is Identify identify)
        {
            // As Akka: an Identify to a path nobody holds is answered, so that selections fail fast.
            sender?.Tell(new ActorIdentity(identify.MessageId, null));
        }
        else
        {
            System.DeadLetters.Tell(new DeadLetter(message, sender, System.DeadLetters), sender);
        }
    }
}

/// <summary>Serializes outbound frames into a writer's batch; one per connection writer, not thread-safe.</summary>
internal sealed class FrameEncoder
{
    private readonly RemoteTransport _transport;
    private readonly FrameBuffer _buffer;
    private readonly Utf8JsonWriter _json;

    public FrameEncoder(RemoteTransport transport, FrameBuffer buffer)
    {
        _transport = transport;
        _buffer = buffer;
        _json = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>Appends <paramref name="frame"/>; returns its kind, or null when it was dropped (and logged).</summary>
    public FrameKind? Encode(in Outbound frame)
    {
        var start = _buffer.Count;
        try
        {
            var begin = Frames.Begin(_buffer, frame.Kind);
            switch (frame.Kind)
            {
                case FrameKind.Message:
                    var message = frame.Message!;
                    if (_transport.System.Serialization.ForType(message.GetType()) is not { } entry)
                        return Drop(start, frame, $"{message.GetType().FullName} has no manifest; register it with system.Serialization");
                    Frames.WriteString(_buffer, frame.Recipient);
                    Frames.WriteString(_buffer, frame.SenderPath ?? _transport.Refs.Format(frame.Sender));
                    Frames.WriteString(_buffer, entry.Manifest);
                    _json.Reset(_buffer);
                    entry.Write(_json, message, _transport.JsonOptions);
                    _json.Flush();
                    break;
                case FrameKind.Watch:
                case FrameKind.Unwatch:
                    Frames.WriteString(_buffer, frame.Recipient);
                    Frames.WriteString(_buffer, frame.SenderPath ?? _transport.Refs.Format(frame.Sender));
                    break;
                case FrameKind.Disconnect:
                    Frames.WriteString(_buffer, frame.Recipient);
                    break;
                case FrameKind.DeathWatchNotification:
                    Frames.WriteString(_buffer, frame.Recipient);
                    Frames.WriteString(_buffer, frame.SenderPath ?? _transport.Refs.Format(frame.Sender));
                    Frames.WriteByte(_buffer, frame.Flags);
                    break;
            }
            var length = Frames.End(_buffer, begin);
            if (length > _transport.Settings.MaximumFrameSize)
                return Drop(start, frame, $"{length} bytes exceed akka.remote.maximum-frame-size ({_transport.Settings.MaximumFrameSize})");
            return frame.Kind;
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            return Drop(start, frame, e.Message);
        }
    }

    private FrameKind? Drop(int start, in Outbound frame, string reason)
    {
        _buffer.Truncate(start);
        RemoteLog.NotSent(_transport.Log, frame.Message?.GetType().Name ?? frame.Kind.ToString(), frame.Recipient, reason);
        if (frame.Message is not null)
            _transport.System.DeadLetters.Tell(new DeadLetter(frame.Message, frame.Sender, _transport.System.DeadLetters), frame.Sender);
        return null;
    }
}
