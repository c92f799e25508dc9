using System.Collections.Concurrent;

namespace Lava.Kernel.Remote;

/// <summary>One frame waiting to be written; built on the sending thread, serialized by the writer.</summary>
internal readonly record struct Outbound(FrameKind Kind, string Recipient, IActorRef? Sender, object? Message, string? SenderPath = null, byte Flags = 0);

/// <summary>
/// The state kept for one incarnation of a peer across its connections: two outbound lanes and the
/// connection currently draining them. The control lane is always drained first; the data lane keeps
/// the order of everything sent to the peer (user messages and death watch alike), so per-pair order
/// holds. Frames queued while disconnected wait for the next connection.
/// </summary>
internal sealed class Association(UniqueAddress node, IReadOnlyList<string> roles)
{
    private readonly ConcurrentQueue<Outbound> _control = new();
    private readonly ConcurrentQueue<Outbound> _data = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _removed = new();
    private int _writerWaiting;
    private Connection? _current;
    private int _generation;
    private string? _refusal;

    public UniqueAddress Node { get; } = node;

    public IReadOnlyList<string> Roles { get; } = roles;

    /// <summary>The node's address as its actors' full paths begin (<c>lava://SYS@HOST:PORT</c>).</summary>
    public string AddressText { get; } = node.Address.ToString();

    public Connection? Current => Volatile.Read(ref _current);

    /// <summary>Counts attached connections, so that a give-up timer knows whether the link came back meanwhile.</summary>
    public int Generation => Volatile.Read(ref _generation);

    public bool IsRemoved => _removed.IsCancellationRequested;

    /// <summary>Why one side closed this incarnation out with a Disconnect frame; null while it has not.</summary>
    public string? Refusal => Volatile.Read(ref _refusal);

    /// <summary>Records the reason of a Disconnect; true for the first call only.</summary>
    public bool Refuse(string reason) => Interlocked.CompareExchange(ref _refusal, reason, null) is null;

    /// <summary>Cancelled once the node is removed.</summary>
    public CancellationToken RemovedToken => _removed.Token;

    public bool HasPending => !_control.IsEmpty || !_data.IsEmpty;

    public void EnqueueControl(in Outbound frame)
    {
        _control.Enqueue(frame);
        Wake();
    }

    public void EnqueueData(in Outbound frame)
    {
        _data.Enqueue(frame);
        Wake();
    }

    public bool TryDequeueControl(out Outbound frame) => _control.TryDequeue(out frame);

    public bool TryDequeueData(out Outbound frame) => _data.TryDequeue(out frame);

    /// <summary>Waits until a frame is queued. Only the writer of the current connection calls this.</summary>
    public async ValueTask WaitForFramesAsync(CancellationToken cancellationToken)
    {
        Volatile.Write(ref _writerWaiting, 1);
        if (HasPending && Interlocked.Exchange(ref _writerWaiting, 0) == 1) return;
        // Either nothing is queued, or a producer already took the flag and releases the semaphore.
        await _signal.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Makes <paramref name="connection"/> the one that drains the lanes; returns the one it replaces.</summary>
    public Connection? Attach(Connection connection)
    {
        Interlocked.Increment(ref _generation);
        return Interlocked.Exchange(ref _current, connection);
    }

    /// <summary>Forgets <paramref name="connection"/> if it is still current; true if it was.</summary>
    public bool Detach(Connection connection) => Interlocked.CompareExchange(ref _current, null, connection) == connection;

    /// <summary>Marks the node removed and returns what was still queued, for dead letters.</summary>
    public List<Outbound> Remove()
    {
        _removed.Cancel();
        var left = new List<Outbound>();
        while (_data.TryDequeue(out var frame)) left.Add(frame);
        while (_control.TryDequeue(out var frame)) left.Add(frame);
        return left;
    }

    private void Wake()
    {
        if (Interlocked.Exchange(ref _writerWaiting, 0) == 1) _signal.Release();
    }
}
