using Microsoft.Extensions.Logging;

namespace Lava.Kernel;

/// <summary>The parent of the root guardian: ends the system when the root stops or fails.</summary>
internal sealed class SystemBubbleRef(ActorSystem system, ActorPath path) : InternalActorRef
{
    public override ActorPath Path { get; } = path;

    public override ActorSystem System => system;

    public override bool IsTerminated => false;

    public override void Tell(object message, IActorRef? sender = null) => system.DeadLetters.Tell(message, sender);

    public override void SendSystemMessage(SystemMessage message)
    {
        switch (message)
        {
            case Failed failed:
                system.KernelLog.LogCritical(failed.Cause, "The root guardian failed; terminating the system");
                failed.Child.Stop();
                break;
            case ChildTerminated:
                system.OnRootTerminated();
                break;
        }
    }
}

/// <summary>
/// The root guardian (<c>/</c>): stops <c>/system</c> once <c>/user</c> has stopped, then itself.
/// A guardian that fails is stopped, which ends the system.
/// </summary>
internal sealed class RootGuardian : ActorBase
{
    protected override void PreStart()
    {
        foreach (var guardian in Context.Children) Context.Watch(guardian);
    }

    protected override bool Receive(object message)
    {
        if (message is not Terminated terminated) return false;
        if (terminated.ActorRef.Path.Name == "user" && Context.Child("system") is { } systemGuardian) Context.Stop(systemGuardian);
        if (!Context.Children.Any(c => c.Path.Name is "user" or "system")) Context.Stop(Self);
        return true;
    }

    protected override SupervisorStrategy SupervisorStrategy() => Kernel.SupervisorStrategy.StoppingStrategy;
}

/// <summary>The guardian of <c>/user</c> or <c>/system</c>: the parent of top-level actors; it handles no messages.</summary>
internal sealed class Guardian(SupervisorStrategy strategy) : ActorBase
{
    protected override bool Receive(object message) => false;

    protected override SupervisorStrategy SupervisorStrategy() => strategy;
}
