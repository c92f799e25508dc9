namespace Lava.Kernel;

/// <summary>
/// Supervision and death-watch traffic. These travel on their own queue and are processed before
/// user messages; their order relative to user messages is not kept. Never send one instance to
/// two actors: some carry per-recipient state.
/// </summary>
internal abstract record SystemMessage;

/// <summary>Creates the actor instance; always the first message a cell processes.</summary>
internal sealed record Create : SystemMessage;

/// <summary>Stops the actor (and its children first).</summary>
internal sealed record Terminate : SystemMessage;

/// <summary>Suspends user message processing, recursively.</summary>
internal sealed record Suspend : SystemMessage;

/// <summary>Resumes after <see cref="Suspend"/> or after a failure the supervisor resumed.</summary>
internal sealed record Resume(Exception? CausedByFailure) : SystemMessage;

/// <summary>Restarts the actor with a new instance from its props.</summary>
internal sealed record Recreate(Exception Cause) : SystemMessage;

/// <summary>A child failed; sent to the parent, which applies its strategy.</summary>
internal sealed record Failed(InternalActorRef Child, Exception Cause, long Uid) : SystemMessage;

/// <summary><paramref name="Watcher"/> wants a Terminated when <paramref name="Watchee"/> stops.</summary>
internal sealed record Watch(InternalActorRef Watchee, InternalActorRef Watcher) : SystemMessage;

/// <summary>Cancels a <see cref="Watch"/>.</summary>
internal sealed record Unwatch(InternalActorRef Watchee, InternalActorRef Watcher) : SystemMessage;

/// <summary>A watched actor (or a child) has terminated.</summary>
internal sealed record DeathWatchNotification(InternalActorRef Actor, bool ExistenceConfirmed, bool AddressTerminated)
    : SystemMessage;

/// <summary>A child has terminated; sent to its parent.</summary>
internal sealed record ChildTerminated(InternalActorRef Child) : SystemMessage;

/// <summary>The task of an async handler has finished; user messages may flow again.</summary>
internal sealed record AsyncHandlerCompleted(Task Task) : SystemMessage;

/// <summary>A continuation of an async handler, run on the actor as if it were a message.</summary>
internal sealed record RunContinuation(SendOrPostCallback Callback, object? State) : SystemMessage;
