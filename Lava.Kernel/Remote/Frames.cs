using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Lava.Kernel.Remote;

/// <summary>
/// The wire format. Each WebSocket binary message carries one or more whole frames, each
/// <c>kind:u8 | length:u32 LE | body</c>. A frame larger than the chunk size is cut into Fragment
/// frames ending with a LastFragment; the receiver joins them and reads the frame they hold. Only
/// the data lane is ever fragmented, and it sends one large frame at a time, so one reassembly buffer
/// per connection suffices. Strings are <c>length:u16 LE | UTF-8</c>.
/// <list type="bullet">
/// <item>Message: recipient (path without address, <c>#uid</c>), sender (full path or empty), manifest, JSON payload.</item>
/// <item>Watch / Unwatch: watchee (path on the receiver), watcher (full path on the sender).</item>
/// <item>DeathWatchNotification: watcher (path on the receiver), terminated actor (full path), flags.</item>
/// <item>Handshake, HandshakeAccepted, HandshakeRefused: a JSON body; Shutdown: empty.</item>
/// <item>Disconnect: the reason (a string); the sender closes this incarnation out and will refuse it from now on.</item>
/// </list>
/// </summary>
internal enum FrameKind : byte
{
    Handshake = 1,
    HandshakeAccepted = 2,
    HandshakeRefused = 3,
    Message = 10,
    Watch = 11,
    Unwatch = 12,
    DeathWatchNotification = 13,
    Fragment = 20,
    LastFragment = 21,
    Shutdown = 30,
    Disconnect = 31,
}

internal static class Frames
{
    public const int HeaderSize = 5;

    public const byte ExistenceConfirmedFlag = 1;

    public const byte AddressTerminatedFlag = 2;

    /// <summary>Starts a frame; returns its offset for <see cref="End"/>.</summary>
    public static int Begin(FrameBuffer buffer, FrameKind kind)
    {
        var start = buffer.Count;
        var header = buffer.GetSpan(HeaderSize);
        header[0] = (byte)kind;
        buffer.Advance(HeaderSize);
        return start;
    }

    /// <summary>Writes the body length of the frame begun at <paramref name="start"/>; returns it.</summary>
    public static int End(FrameBuffer buffer, int start)
    {
        var length = buffer.Count - start - HeaderSize;
        BinaryPrimitives.WriteInt32LittleEndian(buffer.Written(start + 1, 4), length);
        return length;
    }

    public static void WriteString(FrameBuffer buffer, string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        var span = buffer.GetSpan(2 + max);
        var length = Encoding.UTF8.GetBytes(value, span[2..]);
        if (length > ushort.MaxValue) throw new InvalidOperationException($"string of {length} bytes does not fit a frame field");
        BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)length);
        buffer.Advance(2 + length);
    }

    public static void WriteByte(FrameBuffer buffer, byte value)
    {
        buffer.GetSpan(1)[0] = value;
        buffer.Advance(1);
    }

    public static void WriteBytes(FrameBuffer buffer, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer.GetSpan(bytes.Length));
        buffer.Advance(bytes.Length);
    }
}

/// <summary>Reads the fields of one frame body in order.</summary>
internal ref struct FrameReader(ReadOnlySpan<byte> body)
{
    private ReadOnlySpan<byte> _rest = body;

    public string ReadString()
    {
        var length = BinaryPrimitives.ReadUInt16LittleEndian(_rest);
        var value = Encoding.UTF8.GetString(_rest.Slice(2, length));
        _rest = _rest[(2 + length)..];
        return value;
    }

    public byte ReadByte()
    {
        var value = _rest[0];
        _rest = _rest[1..];
        return value;
    }

    public readonly ReadOnlySpan<byte> Rest => _rest;
}

/// <summary>A growable byte buffer that can be cut back, unlike <see cref="ArrayBufferWriter{T}"/>.</summary>
internal sealed class FrameBuffer(int initialCapacity) : IBufferWriter<byte>
{
    private byte[] _buffer = new byte[initialCapacity];

    public int Count { get; private set; }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, Count);

    public ReadOnlyMemory<byte> WrittenMemory => _buffer.AsMemory(0, Count);

    /// <summary>A writable view of bytes already written, to patch a header.</summary>
    public Span<byte> Written(int start, int length) => _buffer.AsSpan(0, Count).Slice(start, length);

    public void Clear() => Count = 0;

    public void Truncate(int count) => Count = count;

    public void Advance(int count) => Count += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(Count);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(Count);
    }

    private void Ensure(int sizeHint)
    {
        var needed = Count + Math.Max(sizeHint, 256);
        if (needed <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(needed, _buffer.Length * 2));
    }
}
