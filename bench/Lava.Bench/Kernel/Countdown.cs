using Akka.Actor;

namespace Lava.Bench.Kernel;

/// <summary>Completes <c>done</c> when it has received <c>count</c> pings: the end of a spawn run, seen from outside.</summary>
internal sealed class Countdown : ReceiveActor
{
    public static Props Props(int count, TaskCompletionSource done) => Akka.Actor.Props.Create(() => new Countdown(count, done));

    public Countdown(int count, TaskCompletionSource done)
    {
        var left = count;
        Receive<Ping>(_ =>
        {
            if (--left == 0) done.TrySetResult();
        });
    }
}
