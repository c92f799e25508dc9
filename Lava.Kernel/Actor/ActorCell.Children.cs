namespace Lava.Kernel;

/// <summary>Children: names, creation, lookup. Guarded by a lock because lookups may come from any thread.</summary>
internal sealed partial class ActorCell
{
    private Dictionary<string, ChildEntry>? _children;
    private long _nextNameId;

    internal sealed class ChildEntry(LocalActorRef actor)
    {
        public LocalActorRef Actor { get; } = actor;

        public bool Stopping { get; private set; }

        public ChildRestartStats Stats { get; } = new();

        /// <summary>Stops the child, marked as stopping so that a pending restart of the parent waits for it.</summary>
        public void Stop()
        {
            Stopping = true;
            Actor.Stop();
        }
    }

    public IEnumerable<IActorRef> Children
    {
        get
        {
            lock (ChildLock)
            {
                return _children is null ? [] : _children.Values.Select(c => (IActorRef)c.Actor).ToArray();
            }
        }
    }

    private object ChildLock => SelfRef;

    public IActorRef? Child(string name)
    {
        lock (ChildLock)
        {
            return _children is not null && _children.TryGetValue(name, out var entry) ? entry.Actor : null;
        }
    }

    internal LocalActorRef? ChildByName(string name) => (LocalActorRef?)Child(name);

    public IActorRef ActorOf(Props props, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(props);
        if (_terminating) throw new IllegalActorStateException($"{SelfRef} is stopping and cannot create children");
        if (name is null)
        {
            name = "$" + EncodeName(Interlocked.Increment(ref _nextNameId));
        }
        else
        {
            ValidateName(name);
        }
        LocalActorRef child;
        lock (ChildLock)
        {
            _children ??= [];
            if (_children.ContainsKey(name))
                throw new InvalidActorNameException($"actor name [{name}] is not unique under {SelfRef.Path}");
            var cell = new ActorCell(System, SelfRef.Path.Child(name, NewUid()), props, SelfRef);
            child = cell.SelfRef;
            _children.Add(name, new ChildEntry(child));
        }
        child.Cell.Start();
        return child;
    }

    private static long NewUid()
    {
        long uid;
        do
        {
            uid = Random.Shared.NextInt64();
        }
        while (uid == 0);
        return uid;
    }

    private static string EncodeName(long n)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+~";
        Span<char> buffer = stackalloc char[12];
        var i = buffer.Length;
        do
        {
            buffer[--i] = alphabet[(int)(n & 63)];
            n >>= 6;
        }
        while (n != 0);
        return new string(buffer[i..]);
    }

    /// <summary>Akka's rule: not empty, not starting with '$', only URI-safe path characters.</summary>
    internal static void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name)) throw new InvalidActorNameException("actor name must not be empty");
        if (name[0] == '$') throw new InvalidActorNameException($"actor name [{name}] must not start with '$' (reserved for generated names)");
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "-_.*$+:@&=,!~';".Contains(c)))
                throw new InvalidActorNameException(
                    $"actor name [{name}] has the invalid character '{c}'; use ASCII letters, digits and -_.*$+:@&=,!~';");
        }
    }

    private ChildEntry? FindChild(InternalActorRef child)
    {
        lock (ChildLock)
        {
            return _children is not null && _children.TryGetValue(child.Path.Name, out var entry) && entry.Actor.Equals(child)
                ? entry
                : null;
        }
    }

    private ChildEntry[] ChildEntries()
    {
        lock (ChildLock)
        {
            return _children is null ? [] : [.. _children.Values];
        }
    }

    /// <summary>Removes a terminated child, freeing its name; false when it was not ours.</summary>
    private bool RemoveChild(InternalActorRef child)
    {
        lock (ChildLock)
        {
            if (_children is null || !_children.TryGetValue(child.Path.Name, out var entry) || !entry.Actor.Equals(child))
                return false;
            _children.Remove(child.Path.Name);
            return true;
        }
    }

    private bool HasChildren
    {
        get
        {
            lock (ChildLock)
            {
                return _children is { Count: > 0 };
            }
        }
    }

    private bool HasStoppingChildren => ChildEntries().Any(c => c.Stopping);

    /// <summary>Writes this actor and its descendants, one per line, for diagnostics.</summary>
    internal void DumpTree(System.Text.StringBuilder sb, int depth)
    {
        sb.Append(' ', depth * 2).Append(SelfRef.Path.Name.Length == 0 ? "/" : SelfRef.Path.Name)
            .Append(" (").Append(_actor?.GetType().Name ?? "no instance")
            .Append(_terminating ? ", stopping" : "")
            .Append(", ").Append(NumberOfMessages).Append(" queued)").AppendLine();
        foreach (var child in ChildEntries()) child.Actor.Cell.DumpTree(sb, depth + 1);
    }
}
