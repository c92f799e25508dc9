using Akka.Actor;
using Lava.Actors.Lab;

namespace Lava.Bench.Cluster;

/// <summary>
/// Tells a remote <see cref="BenchAgent"/> statuses in batches, each followed by a <see cref="GetWorkerStatus"/> whose
/// answer acknowledges the batch, and keeps a window of batches in flight: the link stays full without an unbounded
/// queue, and only statuses the agent counted are counted. After <see cref="Start"/>, <see cref="Peek"/> and
/// <see cref="Stop"/> are answered with <see cref="Delivered"/>.
/// </summary>
internal sealed class Streamer : ReceiveActor
{
    private static readonly WorkerStatus Status = new("bench-worker", "1.0.0", new DateTimeOffset(2026, 3, 1, 8, 30, 0, TimeSpan.Zero), 4);
    private readonly IActorRef _agent;
    private readonly int _batch;
    private bool _running;
    private long _delivered;

    public Streamer(IActorRef agent, int batch, int window)
    {
        (_agent, _batch) = (agent, batch);
        Receive<Start>(_ =>
        {
            _running = true;
            for (var i = 0; i < window; i++) SendBatch();
        });
        Receive<WorkerStatus>(acknowledged =>
        {
            _delivered = acknowledged.Devices;
            if (_running) SendBatch();
        });
        Receive<Peek>(_ => Sender.Tell(new Delivered(_delivered)));
        Receive<Stop>(_ =>
        {
            _running = false;
            Sender.Tell(new Delivered(_delivered));
        });
    }

    public static Props Props(IActorRef agent, int batch, int window) => Akka.Actor.Props.Create(() => new Streamer(agent, batch, window));

    private void SendBatch()
    {
        for (var i = 0; i < _batch; i++) _agent.Tell(Status);
        _agent.Tell(GetWorkerStatus.Instance);
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

    /// <summary>Statuses the agent acknowledged so far.</summary>
    public sealed record Delivered(long Count);
}
