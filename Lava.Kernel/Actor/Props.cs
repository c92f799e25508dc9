namespace Lava.Kernel;

/// <summary>
/// How to make an actor: a factory called once per incarnation (again on every restart), and the
/// options of its mailbox. Immutable; share freely.
/// </summary>
public sealed record Props
{
    private Props(Func<ActorBase> factory, Type actorType)
    {
        Factory = factory;
        ActorType = actorType;
    }

    /// <summary>Creates props from a factory, e.g. <c>Props.Create(() =&gt; new Counter(0))</c>.</summary>
    public static Props Create<TActor>(Func<TActor> factory) where TActor : ActorBase
    {
        ArgumentNullException.ThrowIfNull(factory);
        return new Props(factory, typeof(TActor));
    }

    /// <summary>Creates props for an actor with a parameterless constructor.</summary>
    public static Props Create<TActor>() where TActor : ActorBase, new() => new(() => new TActor(), typeof(TActor));

    internal Func<ActorBase> Factory { get; }

    public Type ActorType { get; }

    /// <summary>
    /// Messages processed per turn before the actor yields its thread; null uses
    /// <c>akka.actor.default-dispatcher.throughput</c>.
    /// </summary>
    public int? Throughput { get; init; }

    /// <summary>Stash capacity; null uses <c>akka.actor.default-mailbox.stash-capacity</c> (-1 unbounded).</summary>
    public int? StashCapacity { get; init; }

    public Props WithThroughput(int throughput)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(throughput, 1);
        return this with { Throughput = throughput };
    }

    public Props WithStashCapacity(int capacity) => this with { StashCapacity = capacity };
}
