namespace Lava.Kernel;

/// <summary>Forwarding keeps the original sender, so the final recipient replies to it directly.</summary>
public static class Forwarding
{
    /// <summary>Tells <paramref name="message"/> to <paramref name="target"/> with the current message's sender; only on an actor's turn.</summary>
    public static void Forward(this IActorRef target, object message)
    {
        var cell = ActorCell.Current ?? throw new NotInActorContextException("Forward");
        target.Tell(message, cell.CurrentSender);
    }
}
