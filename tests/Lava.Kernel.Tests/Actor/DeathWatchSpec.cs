using Xunit;

namespace Lava.Kernel.Tests.Actor;

public sealed class DeathWatchSpec : TestKit.TestKit
{
    private sealed class Idle : ReceiveActor
    {
        public Idle() => Receive<string>(_ => { });
    }

    private sealed record WatchIt(IActorRef Subject, object? Custom = null);

    private sealed record UnwatchIt(IActorRef Subject);

    /// <summary>Watches on request and reports every Terminated (or custom message) to a probe.</summary>
    private sealed class Watcher(IActorRef reporter, bool handleTerminated) : ReceiveActor
    {
        public Watcher() : this(ActorRefs.Nobody, true)
        {
        }

        protected override void PreStart() => Become(() =>
        {
            Receive<WatchIt>(w =>
            {
                if (w.Custom is null) Context.Watch(w.Subject);
                else Context.WatchWith(w.Subject, w.Custom);
                Sender.Tell("watching");
            });
            Receive<UnwatchIt>(u =>
            {
                Context.Unwatch(u.Subject);
                Sender.Tell("unwatched");
            });
            if (handleTerminated) Receive<Terminated>(t => reporter.Tell(t));
            Receive<string>(s => reporter.Tell(s));
        });
    }

    [Fact]
    public async Task Terminated_must_arrive_once_when_a_watched_actor_stops()
    {
        var subject = Sys.ActorOf(Props.Create(() => new Idle()));
        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(TestActor.Ref, true)));
        Tell(watcher, new WatchIt(subject));
        Tell(watcher, new WatchIt(subject));
        await ExpectMsgAsync("watching");
        await ExpectMsgAsync("watching");
        Sys.Stop(subject);
        var terminated = await ExpectMsgAsync<Terminated>();
        Assert.Equal(subject, terminated.ActorRef);
        Assert.True(terminated.ExistenceConfirmed);
        await ExpectNoMsgAsync();
    }

    [Fact]
    public async Task Terminated_must_arrive_when_watching_an_actor_that_is_already_dead()
    {
        var subject = Sys.ActorOf(Props.Create(() => new Idle()));
        Watch(subject);
        Sys.Stop(subject);
        await ExpectTerminatedAsync(subject);

        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(TestActor.Ref, true)));
        Tell(watcher, new WatchIt(subject));
        await ExpectMsgAsync("watching");
        var late = await ExpectMsgAsync<Terminated>();
        Assert.Equal(subject, late.ActorRef);
        Assert.False(late.ExistenceConfirmed);
    }

    [Fact]
    public async Task WatchWith_must_deliver_the_custom_message()
    {
        var subject = Sys.ActorOf(Props.Create(() => new Idle()));
        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(TestActor.Ref, true)));
        Tell(watcher, new WatchIt(subject, "subject is gone"));
        await ExpectMsgAsync("watching");
        Sys.Stop(subject);
        await ExpectMsgAsync("subject is gone");
        await ExpectNoMsgAsync();
    }

    [Fact]
    public async Task Unwatch_must_suppress_Terminated()
    {
        var subject = Sys.ActorOf(Props.Create(() => new Idle()));
        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(TestActor.Ref, true)));
        Tell(watcher, new WatchIt(subject));
        await ExpectMsgAsync("watching");
        Tell(watcher, new UnwatchIt(subject));
        await ExpectMsgAsync("unwatched");
        Sys.Stop(subject);
        Watch(subject);
        await ExpectTerminatedAsync(subject);
        await ExpectNoMsgAsync();
    }

    [Fact]
    public async Task An_unhandled_Terminated_must_stop_the_watcher_with_a_death_pact()
    {
        var subject = Sys.ActorOf(Props.Create(() => new Idle()));
        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(TestActor.Ref, false)));
        Watch(watcher);
        Tell(watcher, new WatchIt(subject));
        await ExpectMsgAsync("watching");
        Sys.Stop(subject);
        await ExpectTerminatedAsync(watcher);
        await ExpectLoggedAsync<DeathPactException>();
    }

    [Fact]
    public async Task A_watcher_that_stops_first_must_not_be_notified()
    {
        var subject = Sys.ActorOf(Props.Create(() => new Idle()));
        var watcher = Sys.ActorOf(Props.Create(() => new Watcher(TestActor.Ref, true)));
        Tell(watcher, new WatchIt(subject));
        await ExpectMsgAsync("watching");
        Watch(watcher);
        Sys.Stop(watcher);
        await ExpectTerminatedAsync(watcher);
        Sys.Stop(subject);
        await ExpectNoMsgAsync();
        Assert.Equal(0, Sys.DeadLetterCount);
    }
}
