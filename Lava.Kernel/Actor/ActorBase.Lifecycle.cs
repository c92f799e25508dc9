namespace Lava.Kernel;

public abstract partial class ActorBase
{
    /// <summary>Called once after construction, before the first message.</summary>
    protected virtual void PreStart()
    {
    }

    /// <summary>Called once after the actor stopped; its children have stopped before.</summary>
    protected virtual void PostStop()
    {
    }

    /// <summary>
    /// Called on the failed instance before a restart; by default unwatches and stops all children,
    /// then calls <see cref="PostStop"/>.
    /// </summary>
    protected virtual void PreRestart(Exception reason, object? message)
    {
        foreach (var child in Context.Children.ToList())
        {
            Context.Unwatch(child);
            Context.Stop(child);
        }
        PostStop();
    }

    /// <summary>Called on the new instance after a restart; by default calls <see cref="PreStart"/>.</summary>
    protected virtual void PostRestart(Exception reason) => PreStart();

    internal virtual void AroundPreStart() => PreStart();

    internal void AroundPostStop() => PostStop();

    internal virtual void AroundPreRestart(Exception reason, object? message) => PreRestart(reason, message);

    internal virtual void AroundPostRestart(Exception reason) => PostRestart(reason);
}
