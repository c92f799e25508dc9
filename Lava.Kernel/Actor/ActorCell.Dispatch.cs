namespace Lava.Kernel;

/// <summary>
/// The mailbox: a lock-free multi-producer, single-consumer queue of user messages, a small locked
/// queue of system messages that is always drained first, and a scheduled flag so that at most one
/// thread runs the actor at a time.
/// </summary>
internal sealed partial class ActorCell : IThreadPoolWorkItem
{
    private const int ScheduledFlag = 1;
    private const int ClosedFlag = 2;

    private readonly int _throughput;
    private int _status;
    private Node _head;
    private Node _tail;
    private Queue<SystemMessage>? _systemQueue;
    private int _systemCount;
    private List<Envelope>? _prepended;
    private int _suspendCount;
    private bool _awaitingTask;

    private sealed class Node
    {
        public object? Message;
        public IActorRef? Sender;
        public Node? Next;
    }

    internal readonly record struct Envelope(object Message, IActorRef? Sender);

    /// <summary>How many turns this actor has had; lets tests observe the throughput bound.</summary>
    internal long Turns { get; private set; }

    internal bool IsClosed => (Volatile.Read(ref _status) & ClosedFlag) != 0;

    /// <summary>Enqueues a user message. Safe from any thread.</summary>
    internal void Post(object message, IActorRef? sender)
    {
        var node = new Node { Message = message, Sender = sender };
        var previous = Interlocked.Exchange(ref _tail, node);
        Volatile.Write(ref previous.Next, node);
        TrySchedule();
    }

    /// <summary>Enqueues a system message, or answers it as a dead actor would once closed. Safe from any thread.</summary>
    internal void SendSystemMessage(SystemMessage message)
    {
        bool enqueued;
        lock (this)
        {
            enqueued = (_status & ClosedFlag) == 0;
            if (enqueued)
            {
                (_systemQueue ??= new Queue<SystemMessage>(2)).Enqueue(message);
                Volatile.Write(ref _systemCount, _systemQueue.Count);
            }
        }
        if (enqueued) TrySchedule();
        else HandleSystemMessageAfterClose(message);
    }

    private void TrySchedule()
    {
        var status = Volatile.Read(ref _status);
        if ((status & ScheduledFlag) != 0) return;
        if (Interlocked.CompareExchange(ref _status, status | ScheduledFlag, status) == status)
        {
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
        }
        else
        {
            TrySchedule();
        }
    }

    /// <summary>One turn: all system messages, then up to <c>throughput</c> user messages.</summary>
    public void Execute()
    {
        var previous = t_current;
        t_current = this;
        Turns++;
        try
        {
            ProcessSystemMessages();
            if (IsClosed) DrainToDeadLetters();
            else ProcessUserMessages();
        }
        finally
        {
            t_current = previous;
            Interlocked.And(ref _status, ~ScheduledFlag);
            if (HasWork()) TrySchedule();
        }
    }

    private void ProcessUserMessages()
    {
        for (var left = _throughput; left > 0 && CanProcessUserMessages && TryDequeue(out var envelope); left--)
        {
            Invoke(envelope.Message, envelope.Sender);
            if (Volatile.Read(ref _systemCount) > 0) ProcessSystemMessages();
        }
    }

    private bool CanProcessUserMessages => _suspendCount == 0 && !_awaitingTask && _actor is not null && !_terminating && !IsClosed;

    private bool HasWork() =>
        Volatile.Read(ref _systemCount) > 0 ||
        (HasUserMessages && (CanProcessUserMessages || IsClosed));

    private bool HasUserMessages => _prepended is { Count: > 0 } || Volatile.Read(ref _head.Next) is not null;

    private bool TryDequeue(out Envelope envelope)
    {
        if (_prepended is { Count: > 0 } prepended)
        {
            envelope = prepended[^1];
            prepended.RemoveAt(prepended.Count - 1);
            return true;
        }
        var next = Volatile.Read(ref _head.Next);
        if (next is null)
        {
            envelope = default;
            return false;
        }
        envelope = new Envelope(next.Message!, next.Sender);
        next.Message = null;
        next.Sender = null;
        _head = next;
        return true;
    }

    /// <summary>Puts messages back at the front of the mailbox, in their original order.</summary>
    internal void Prepend(IReadOnlyList<Envelope> envelopes)
    {
        if (envelopes.Count == 0) return;
        _prepended ??= [];
        for (var i = envelopes.Count - 1; i >= 0; i--) _prepended.Add(envelopes[i]);
    }

    private void ProcessSystemMessages()
    {
        while (Volatile.Read(ref _systemCount) > 0)
        {
            SystemMessage message;
            lock (this)
            {
                if (_systemQueue is null || _systemQueue.Count == 0) return;
                message = _systemQueue.Dequeue();
                Volatile.Write(ref _systemCount, _systemQueue.Count);
            }
            try
            {
                HandleSystemMessage(message);
            }
            catch (Exception cause)
            {
                HandleInvokeFailure(cause);
            }
        }
    }

    /// <summary>Closes the mailbox; returns the system messages that were still queued.</summary>
    private SystemMessage[] CloseMailbox()
    {
        lock (this)
        {
            _status |= ClosedFlag;
            var rest = _systemQueue?.ToArray() ?? [];
            _systemQueue = null;
            Volatile.Write(ref _systemCount, 0);
            return rest;
        }
    }

    private void DrainToDeadLetters()
    {
        while (TryDequeue(out var envelope))
        {
            if (envelope.Message is not IDeadLetterSuppression)
                System.DeadLetters.Tell(new DeadLetter(envelope.Message, envelope.Sender, SelfRef), envelope.Sender);
        }
    }

    /// <summary>How many user messages wait; for diagnostics only (walks the queue).</summary>
    internal int NumberOfMessages
    {
        get
        {
            var count = _prepended?.Count ?? 0;
            for (var node = Volatile.Read(ref _head.Next); node is not null; node = Volatile.Read(ref node.Next)) count++;
            return count;
        }
    }
}
