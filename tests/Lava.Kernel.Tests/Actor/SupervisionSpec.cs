using Xunit;

namespace Lava.Kernel.Tests.Actor;

public sealed class SupervisionSpec : TestKit.TestKit
{
    private sealed record Fail(string Reason);

    private sealed record GetCount;

    /// <summary>Counts messages; fails on demand; reports its lifecycle to a probe.</summary>
    private sealed class Counter(IActorRef reporter) : ReceiveActor
    {
        private int _count;

        public Counter() : this(ActorRefs.Nobody)
        {
        }

        protected override void PreStart()
        {
            reporter.Tell("prestart");
            Become(() =>
            {
                Receive<Fail>(f => throw new InvalidOperationException(f.Reason));
                Receive<GetCount>(_ => Sender.Tell(_count));
                Receive<int>(n => _count += n);
            });
        }

        protected override void PostStop() => reporter.Tell("poststop");

        protected override void PreRestart(Exception reason, object? message)
        {
            reporter.Tell($"prerestart:{reason.Message}:{message}");
            base.PreRestart(reason, message);
        }

        protected override void PostRestart(Exception reason)
        {
            reporter.Tell($"postrestart:{reason.Message}");
            base.PostRestart(reason);
        }
    }

    /// <summary>Creates children on request and supervises them with the given strategy.</summary>
    private sealed class Supervisor(SupervisorStrategy strategy, IActorRef reporter) : ReceiveActor
    {
        public Supervisor() : this(Kernel.SupervisorStrategy.DefaultStrategy, ActorRefs.Nobody)
        {
        }

        protected override void PreStart() => Become(() =>
        {
            Receive<Props>(p => Sender.Tell(Context.ActorOf(p)));
            Receive<(Props Props, string Name)>(p => Sender.Tell(Context.ActorOf(p.Props, p.Name)));
        });

        protected override void PostStop() => reporter.Tell("supervisor-poststop");

        protected override SupervisorStrategy SupervisorStrategy() => strategy;
    }

    private async Task<IActorRef> ChildOf(IActorRef supervisor, Props props)
    {
        Tell(supervisor, props);
        return await ExpectMsgAsync<IActorRef>();
    }

    [Fact]
    public async Task A_failing_child_must_be_restarted_with_its_mailbox_kept_and_its_state_reset()
    {
        var probe = CreateTestProbe();
        var supervisor = Sys.ActorOf(Props.Create(() => new Supervisor(SupervisorStrategy.DefaultStrategy, probe.Ref)));
        var child = await ChildOf(supervisor, Props.Create(() => new Counter(probe.Ref)));
        await probe.ExpectMsgAsync("prestart");

        child.Tell(5);
        child.Tell(new Fail("boom"));
        child.Tell(7);
        child.Tell(new GetCount(), TestActor.Ref);

        await probe.ExpectMsgAsync<string>(s => s.StartsWith("prerestart:boom", StringComparison.Ordinal));
        await probe.ExpectMsgAsync("poststop");
        await probe.ExpectMsgAsync("postrestart:boom");
        await probe.ExpectMsgAsync("prestart");
        Assert.Equal(7, await ExpectMsgAsync<int>());
        await ExpectLoggedAsync<InvalidOperationException>();
    }

    [Fact]
    public async Task A_restart_must_keep_the_reference_and_send_no_Terminated()
    {
        var supervisor = Sys.ActorOf(Props.Create(() => new Supervisor()));
        var child = await ChildOf(supervisor, Props.Create(() => new Counter()));
        Watch(child);
        child.Tell(new Fail("once"));
        Tell(child, new GetCount());
        Assert.Equal(0, await ExpectMsgAsync<int>());
        await ExpectNoMsgAsync();
    }

    [Fact]
    public async Task A_child_must_be_stopped_after_too_many_restarts_within_the_window()
    {
        var strategy = new OneForOneStrategy(2, TimeSpan.FromMinutes(1), SupervisorStrategy.DefaultDecider);
        var supervisor = Sys.ActorOf(Props.Create(() => new Supervisor(strategy, ActorRefs.Nobody)));
        var child = await ChildOf(supervisor, Props.Create(() => new Counter()));
        Watch(child);
        child.Tell(new Fail("1"));
        child.Tell(new Fail("2"));
        Tell(child, new GetCount());
        Assert.Equal(0, await ExpectMsgAsync<int>());
        child.Tell(new Fail("3"));
        await ExpectTerminatedAsync(child);
    }

    [Fact]
    public async Task Restarts_outside_the_window_must_not_count()
    {
        var strategy = new OneForOneStrategy(1, TimeSpan.FromSeconds(10), SupervisorStrategy.DefaultDecider);
        var supervisor = Sys.ActorOf(Props.Create(() => new Supervisor(strategy, ActorRefs.Nobody)));
        var child = await ChildOf(supervisor, Props.Create(() => new Counter()));
        Watch(child);
        for (var i = 0; i < 3; i++)
        {
            child.Tell(new Fail($"failure {i}"));
            Tell(child, new GetCount());
            Assert.Equal(0, await ExpectMsgAsync<int>());
            Advance(TimeSpan.FromSeconds(11));
        }
        await ExpectNoMsgAsync();
    }

    [Fact]
    public async Task Resume_must_keep_the_state()
    {
        var strategy = new OneForOneStrategy(_ => Directive.Resume);
        var supervisor = Sys.ActorOf(Props.Create(() => new Supervisor(strategy, ActorRefs.Nobody)));
        var child = await ChildOf(supervisor, Props.Create(() => new Counter()));
        child.Tell(3);
        child.Tell(new Fail("ignored"));
        child.Tell(4);
        Tell(child, new GetCount());
        Assert.Equal(7, await ExpectMsgAsync<int>());
        await ExpectLoggedAsync<InvalidOperationException>(Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task Stop_directive_must_stop_the_child()
    {
        var strategy = new OneForOneStrategy(_ => Directive.Stop);
        var supervisor = Sys.ActorOf(Props.Create(() => new Supervisor(strategy, ActorRefs.Nobody)));
        var child = await ChildOf(supervisor, Props.Create(() => new Counter()));
        Watch(child);
        child.Tell(new Fail("fatal"));
        await ExpectTerminatedAsync(child);
    }

    [Fact]
    public async Task Escalate_must_reach_the_grandparents_strategy()
    {
        var decisions = CreateTestProbe();
        var top = new OneForOneStrategy(cause =>
        {
            decisions.Ref.Tell(cause.Message);
            return Directive.Stop;
        });
        var grandparent = Sys.ActorOf(Props.Create(() => new Supervisor(top, ActorRefs.Nobody)), "grandparent");
        var parent = await ChildOf(grandparent, Props.Create(() => new Supervisor(new OneForOneStrategy(_ => Directive.Escalate), ActorRefs.Nobody)));
        var child = await ChildOf(parent, Props.Create(() => new Counter()));
        Watch(parent);
        Watch(child);
        child.Tell(new Fail("escalated"));
        Assert.Equal("escalated", await decisions.ExpectMsgAsync<string>());
        var first = await ExpectMsgAsync<Terminated>();
        var second = await ExpectMsgAsync<Terminated>();
        Assert.Equal([child, parent], new[] { first.ActorRef, second.ActorRef });
    }

    [Fact]
    public async Task AllForOne_must_restart_every_sibling()
    {
        var sibling = CreateTestProbe();
        var strategy = new AllForOneStrategy(SupervisorStrategy.DefaultDecider);
        var supervisor = Sys.ActorOf(Props.Create(() => new Supervisor(strategy, ActorRefs.Nobody)));
        var a = await ChildOf(supervisor, Props.Create(() => new Counter()));
        var b = await ChildOf(supervisor, Props.Create(() => new Counter(sibling.Ref)));
        b.Tell(10);
        Tell(b, new GetCount());
        Assert.Equal(10, await ExpectMsgAsync<int>());
        a.Tell(new Fail("one for all"));
        await sibling.FishForMessageAsync<string>(s => s == "postrestart:one for all");
        Tell(b, new GetCount());
        Assert.Equal(0, await ExpectMsgAsync<int>());
    }

    [Fact]
    public async Task A_failing_constructor_must_stop_the_actor()
    {
        var supervisor = Sys.ActorOf(Props.Create(() => new Supervisor()));
        var child = await ChildOf(supervisor, Props.Create<Counter>(() => throw new InvalidOperationException("ctor")));
        Watch(child);
        await ExpectTerminatedAsync(child);
        await ExpectLoggedAsync<ActorInitializationException>();
    }

    [Fact]
    public async Task Children_must_stop_before_the_parents_PostStop()
    {
        var probe = CreateTestProbe();
        var supervisor = Sys.ActorOf(Props.Create(() => new Supervisor(SupervisorStrategy.DefaultStrategy, probe.Ref)));
        await ChildOf(supervisor, Props.Create(() => new Counter(probe.Ref)));
        await probe.ExpectMsgAsync("prestart");
        Sys.Stop(supervisor);
        await probe.ExpectMsgAsync("poststop");
        await probe.ExpectMsgAsync("supervisor-poststop");
    }

    [Fact]
    public async Task Kill_must_stop_the_actor_under_the_default_strategy()
    {
        var counter = Sys.ActorOf(Props.Create(() => new Counter()));
        Watch(counter);
        counter.Tell(Kill.Instance);
        await ExpectTerminatedAsync(counter);
    }

    [Fact]
    public async Task PoisonPill_must_stop_after_the_messages_queued_before_it()
    {
        var counter = Sys.ActorOf(Props.Create(() => new Counter()));
        Watch(counter);
        counter.Tell(1);
        Tell(counter, new GetCount());
        counter.Tell(PoisonPill.Instance);
        Tell(counter, new GetCount());
        Assert.Equal(1, await ExpectMsgAsync<int>());
        await ExpectTerminatedAsync(counter);
        var letter = await ExpectDeadLetterAsync(m => m is GetCount);
        Assert.Equal(counter, letter.Recipient);
    }
}
