using Microsoft.Extensions.Logging;

namespace Lava.Kernel;

/// <summary>
/// Where undeliverable messages go: each is counted, published as <see cref="DeadLetter"/> and, up
/// to <c>akka.log-dead-letters</c> of them, logged.
/// </summary>
internal sealed class DeadLetterActorRef(ActorSystem system, ActorPath path) : InternalActorRef
{
    private long _count;

    public override ActorPath Path { get; } = path;

    public override ActorSystem System => system;

    public override bool IsTerminated => false;

    public long Count => Interlocked.Read(ref _count);

    public override void Tell(object message, IActorRef? sender = null)
    {
        var letter = message as DeadLetter ?? new DeadLetter(message, sender, this);
        // A dead letter that could not reach a stopped subscriber of dead letters is dropped, as Akka's
        // dead-letter mailbox does: publishing it again would hand it back to that subscriber without end.
        if (letter.Message is IDeadLetterSuppression or DeadLetter) return;
        var n = Interlocked.Increment(ref _count);
        if (n <= system.Settings.LogDeadLetters)
        {
            system.KernelLog.LogInformation(
                "Message [{MessageType}] from {Sender} to {Recipient} was not delivered. [{Count}] dead letters encountered",
                letter.Message.GetType().Name, letter.Sender?.Path.ToString() ?? "NoSender", letter.Recipient.Path, n);
        }
        system.EventStream.Publish(letter);
    }

    public override void SendSystemMessage(SystemMessage message)
    {
        if (message is Watch watch)
            watch.Watcher.SendSystemMessage(new DeathWatchNotification(watch.Watchee, ExistenceConfirmed: false, AddressTerminated: false));
    }
}
