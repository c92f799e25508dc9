using Akka.Actor;

namespace Lava.Bench.Kernel;

/// <summary>Answers every <see cref="Ping"/> with the same ping: a ponger, an ask target, an idle actor.</summary>
internal sealed class Echo : ReceiveActor
{
    public static Props Props() => Akka.Actor.Props.Create(() => new Echo());

    public Echo() => Receive<Ping>(ping => Sender.Tell(ping, Self));
}
