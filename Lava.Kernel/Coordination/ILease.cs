namespace Lava.Kernel;

/// <summary>
/// A named lease held by at most one owner at a time, as Akka.Coordination's <c>Lease</c>: whoever holds it may
/// run what it guards (e.g. a cluster singleton) and must stop as soon as it loses it.
/// </summary>
public interface ILease
{
    /// <summary>The name of the guarded thing; owners competing for one thing use the same name.</summary>
    string Name { get; }

    /// <summary>Who asks for the lease; unique per running instance (e.g. a node's unique address).</summary>
    string Owner { get; }

    /// <summary>
    /// Tries to take the lease. True when it is now held by <see cref="Owner"/>; then <paramref name="leaseLost"/>
    /// is called once if the lease is lost later (with the reason, when known), after <see cref="CheckLease"/> has
    /// turned false. While the lease is already held, answers true and keeps the callback of the acquisition
    /// that took it.
    /// </summary>
    Task<bool> AcquireAsync(Action<Exception?> leaseLost, CancellationToken ct = default);

    /// <summary>Gives the lease up so that another owner can take it at once; true when it was still held.</summary>
    Task<bool> ReleaseAsync(CancellationToken ct = default);

    /// <summary>True while the lease is held and, from the holder's own view, not expired. Cheap; no I/O.</summary>
    bool CheckLease();
}
