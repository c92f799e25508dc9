using Akka.Actor;

namespace Lava.Bench.Kernel;

/// <summary>
/// Keeps a window of pings in flight to its ponger and counts the answers. <see cref="Start"/> sends the window;
/// <see cref="Peek"/> is answered with <see cref="Received"/>; <see cref="Stop"/> too, and ends the exchange.
/// </summary>
internal sealed class Pinger : ReceiveActor
{
    private long _received;
    private bool _running = true;

    public static Props Props(IActorRef ponger, int window) => Akka.Actor.Props.Create(() => new Pinger(ponger, window));

    public Pinger(IActorRef ponger, int window)
    {
        Receive<Ping>(ping =>
        {
            _received++;
            if (_running) ponger.Tell(ping, Self);
        });
        Receive<Start>(_ =>
        {
            for (var i = 0; i < window; i++) ponger.Tell(Ping.Instance, Self);
        });
        Receive<Peek>(_ => Sender.Tell(new Received(_received)));
        Receive<Stop>(_ =>
        {
            _running = false;
            Sender.Tell(new Received(_received));
        });
    }

    public sealed record Start
    {
        public static readonly Start Instance = new();

        private Start()
        {
        }
    }

    public sealed record Peek
    {
        public static readonly Peek Instance = new();

        private Peek()
        {
        }
    }

    public sealed record Stop
    {
        public static readonly Stop Instance = new();

        private Stop()
        {
        }
    }

    /// <summary>Pings answered by the ponger so far.</summary>
    public sealed record Received(long Count);
}
