namespace Lava.Kernel.Persistence;

/// <summary>Base of the errors raised by journals and snapshot stores.</summary>
public class PersistenceException : Exception
{
    /// <summary>Creates the exception with a message and an optional cause.</summary>
    public PersistenceException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}

/// <summary>
/// An event with the same persistence id and sequence number is already stored: typically a second live
/// writer for the same persistence id. The atomic write that hit it stored nothing.
/// </summary>
public sealed class JournalConflictException : PersistenceException
{
    /// <summary>Creates the exception for the atomic write covering <paramref name="fromSequenceNr"/>..<paramref name="toSequenceNr"/>.</summary>
    public JournalConflictException(string persistenceId, long fromSequenceNr, long toSequenceNr, Exception? innerException = null)
        : base(
            fromSequenceNr == toSequenceNr
                ? $"An event of '{persistenceId}' with sequence number {fromSequenceNr} is already stored (is another writer using this persistence id?)."
                : $"An event of '{persistenceId}' with a sequence number in {fromSequenceNr}..{toSequenceNr} is already stored (is another writer using this persistence id?).",
            innerException)
    {
        PersistenceId = persistenceId;
        FromSequenceNr = fromSequenceNr;
        ToSequenceNr = toSequenceNr;
    }

    /// <summary>The persistence id of the refused atomic write.</summary>
    public string PersistenceId { get; }

    /// <summary>First sequence number of the refused atomic write.</summary>
    public long FromSequenceNr { get; }

    /// <summary>Last sequence number of the refused atomic write.</summary>
    public long ToSequenceNr { get; }
}

/// <summary>A payload could not be turned into bytes or back (unregistered type, JSON error).</summary>
public class PersistenceSerializationException : PersistenceException
{
    /// <summary>Creates the exception with a message and an optional cause.</summary>
    public PersistenceSerializationException(string message, Exception? innerException = null) : base(message, innerException)
    {
    }
}

/// <summary>A stored event or snapshot carries a manifest that the <see cref="EventRegistry"/> does not know.</summary>
public sealed class UnknownManifestException : PersistenceSerializationException
{
    /// <summary>Creates the exception naming the manifest and where it was found.</summary>
    public UnknownManifestException(string manifest, string persistenceId, long sequenceNr)
        : base($"Unknown manifest '{manifest}' in persistence id '{persistenceId}' at sequence number {sequenceNr}: register its type with EventRegistry.Register<T>(\"{manifest}\").")
    {
        Manifest = manifest;
        PersistenceId = persistenceId;
        SequenceNr = sequenceNr;
    }

    /// <summary>The unregistered manifest.</summary>
    public string Manifest { get; }

    /// <summary>The persistence id of the event or snapshot.</summary>
    public string PersistenceId { get; }

    /// <summary>The sequence number of the event or snapshot.</summary>
    public long SequenceNr { get; }
}

/// <summary>
/// The database cannot be reached (down, restarting, refusing connections). The operation may be retried
/// once the store is back; connections broken by the outage are not reused.
/// </summary>
public sealed class PersistenceStoreUnavailableException : PersistenceException
{
    /// <summary>Creates the exception naming the store's endpoint, e.g. <c>PostgreSQL at 127.0.0.1:5432</c>.</summary>
    public PersistenceStoreUnavailableException(string endpoint, Exception innerException)
        : base($"{endpoint} is unavailable: {innerException.Message}", innerException)
    {
        Endpoint = endpoint;
    }

    /// <summary>The store that could not be reached.</summary>
    public string Endpoint { get; }
}
