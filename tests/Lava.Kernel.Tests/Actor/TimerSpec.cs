using Xunit;

namespace Lava.Kernel.Tests.Actor;

public sealed class TimerSpec : TestKit.TestKit
{
    private sealed record StartSingle(string Key, string Message, TimeSpan Delay);

    private sealed record StartPeriodic(string Key, string Message, TimeSpan Interval);

    private sealed record CancelTimer(string Key);

    private sealed record QueryTimer(string Key);

    private sealed record Crash;

    private sealed record BlockThenReplace(Task Gate, string Key, string Message, TimeSpan Delay);

    /// <summary>Starts and cancels timers on command and forwards what fires to a probe.</summary>
    private sealed class Ticker(IActorRef reporter) : ReceiveActor, IWithTimers
    {
        public Ticker() : this(ActorRefs.Nobody)
        {
        }

        public ITimerScheduler Timers { get; set; } = null!;

        protected override void PreStart() => Become(() =>
        {
            Receive<StartSingle>(s =>
            {
                Timers.StartSingleTimer(s.Key, s.Message, s.Delay);
                Sender.Tell("started");
            });
            Receive<StartPeriodic>(p =>
            {
                Timers.StartPeriodicTimer(p.Key, p.Message, p.Interval);
                Sender.Tell("started");
            });
            Receive<CancelTimer>(c =>
            {
                Timers.Cancel(c.Key);
                Sender.Tell(Timers.IsTimerActive(c.Key) ? "still active" : "cancelled");
            });
            Receive<QueryTimer>(q => Sender.Tell(Timers.IsTimerActive(q.Key) ? "active" : "inactive"));
            Receive<Crash>(_ => throw new InvalidOperationException("crash"));
            ReceiveAsync<BlockThenReplace>(async b =>
            {
                await b.Gate;
                Timers.StartSingleTimer(b.Key, b.Message, b.Delay);
                Sender.Tell("replaced");
            });
            Receive<string>(s => reporter.Tell(s));
        });
    }

    private IActorRef NewTicker() => Sys.ActorOf(Props.Create(() => new Ticker(TestActor.Ref)));

    [Fact]
    public async Task A_single_timer_must_fire_once_after_its_delay()
    {
        var ticker = NewTicker();
        Tell(ticker, new StartSingle("k", "tick", TimeSpan.FromSeconds(5)));
        await ExpectMsgAsync("started");
        Advance(TimeSpan.FromSeconds(4));
        await ExpectNoMsgAsync();
        Advance(TimeSpan.FromSeconds(1));
        await ExpectMsgAsync("tick");
        Advance(TimeSpan.FromSeconds(10));
        await ExpectNoMsgAsync();
    }

    [Fact]
    public async Task A_periodic_timer_must_fire_every_interval_until_cancelled()
    {
        var ticker = NewTicker();
        Tell(ticker, new StartPeriodic("p", "beat", TimeSpan.FromSeconds(1)));
        await ExpectMsgAsync("started");
        for (var i = 0; i < 3; i++)
        {
            Advance(TimeSpan.FromSeconds(1));
            await ExpectMsgAsync("beat");
        }
        Tell(ticker, new CancelTimer("p"));
        await ExpectMsgAsync("cancelled");
        Advance(TimeSpan.FromSeconds(5));
        await ExpectNoMsgAsync();
    }

    [Fact]
    public async Task A_replaced_timer_must_not_deliver_its_message_even_if_already_queued()
    {
        var ticker = NewTicker();
        Tell(ticker, new StartSingle("k", "old", TimeSpan.FromSeconds(1)));
        await ExpectMsgAsync("started");
        var gate = new TaskCompletionSource();
        Tell(ticker, new BlockThenReplace(gate.Task, "k", "new", TimeSpan.FromSeconds(5)));
        Advance(TimeSpan.FromSeconds(1));
        gate.SetResult();
        await ExpectMsgAsync("replaced");
        await ExpectNoMsgAsync();
        Advance(TimeSpan.FromSeconds(5));
        await ExpectMsgAsync("new");
    }

    [Fact]
    public async Task Timers_must_be_cancelled_when_the_actor_restarts()
    {
        var ticker = NewTicker();
        Tell(ticker, new StartPeriodic("p", "beat", TimeSpan.FromSeconds(1)));
        await ExpectMsgAsync("started");
        Tell(ticker, new QueryTimer("p"));
        await ExpectMsgAsync("active");
        Tell(ticker, new Crash());
        Tell(ticker, new QueryTimer("p"));
        await ExpectMsgAsync("inactive");
        Advance(TimeSpan.FromSeconds(3));
        await ExpectNoMsgAsync();
        Assert.Equal(0, Time!.ActiveTimers);
    }

    [Fact]
    public async Task Timers_must_be_cancelled_when_the_actor_stops()
    {
        var ticker = NewTicker();
        Tell(ticker, new StartPeriodic("p", "beat", TimeSpan.FromSeconds(1)));
        await ExpectMsgAsync("started");
        Watch(ticker);
        Sys.Stop(ticker);
        await ExpectTerminatedAsync(ticker);
        Assert.Equal(0, Time!.ActiveTimers);
        Advance(TimeSpan.FromSeconds(3));
        await ExpectNoMsgAsync();
        Assert.Equal(0, Sys.DeadLetterCount);
    }

    [Fact]
    public async Task The_scheduler_must_tell_once_repeatedly_and_stop_when_cancelled()
    {
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(2), TestActor.Ref, "once");
        var repeating = Sys.Scheduler.ScheduleTellRepeatedlyCancelable(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TestActor.Ref, "again");
        var cancelled = Sys.Scheduler.ScheduleTellOnceCancelable(TimeSpan.FromSeconds(1), TestActor.Ref, "never");
        cancelled.Cancel();
        Advance(TimeSpan.FromSeconds(1));
        await ExpectMsgAsync("again");
        Advance(TimeSpan.FromSeconds(1));
        await ExpectMsgAsync("once");
        Advance(TimeSpan.FromSeconds(2));
        await ExpectMsgAsync("again");
        repeating.Cancel();
        Advance(TimeSpan.FromSeconds(10));
        await ExpectNoMsgAsync();
    }
}
