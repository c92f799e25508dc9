using Xunit;

namespace Lava.Kernel.Tests.Actor;

/// <summary>The rules under real concurrency: thousands of actors, millions of messages, all cores.</summary>
public sealed class StressSpec : TestKit.TestKit
{
    public StressSpec() : base(realTime: true)
    {
    }

    private sealed record Hop(int Remaining);

    private sealed record Next(IActorRef Actor);

    /// <summary>A ring member: passes each hop on until it reaches zero, then reports to the finisher.</summary>
    private sealed class RingMember(IActorRef finisher) : ReceiveActor
    {
        private IActorRef _next = ActorRefs.Nobody;

        public RingMember() : this(ActorRefs.Nobody)
        {
        }

        protected override void PreStart() => Become(() =>
        {
            Receive<Next>(n => _next = n.Actor);
            Receive<Hop>(h =>
            {
                if (h.Remaining == 0) finisher.Tell("lap done");
                else _next.Tell(new Hop(h.Remaining - 1));
            });
        });
    }

    [Fact]
    public async Task A_ring_of_two_thousand_actors_must_carry_two_million_messages_without_loss()
    {
        const int members = 2000;
        const int tokens = 200;
        const int hopsPerToken = 10_000;
        var ring = Enumerable.Range(0, members).Select(_ => Sys.ActorOf(Props.Create(() => new RingMember(TestActor.Ref)))).ToArray();
        for (var i = 0; i < members; i++) ring[i].Tell(new Next(ring[(i + 1) % members]));
        for (var t = 0; t < tokens; t++) ring[t * (members / tokens)].Tell(new Hop(hopsPerToken));
        for (var t = 0; t < tokens; t++) await ExpectMsgAsync("lap done", TimeSpan.FromSeconds(60));
        await ExpectNoMsgAsync();
        Assert.Equal(0, Sys.DeadLetterCount);
    }

    private sealed record SpawnChildren(int Count);

    private sealed class Spawner : ReceiveActor
    {
        public Spawner()
        {
            Receive<SpawnChildren>(s =>
            {
                for (var i = 0; i < s.Count; i++) Context.Watch(Context.ActorOf(Props.Create(() => new Spawner()), $"c{i}"));
                Sender.Tell(s.Count);
            });
            Receive<Terminated>(_ => { });
        }
    }

    [Fact]
    public async Task Ten_thousand_actors_must_start_and_stop_children_first()
    {
        var roots = Enumerable.Range(0, 100).Select(i => Sys.ActorOf(Props.Create(() => new Spawner()), $"root{i}")).ToArray();
        foreach (var root in roots) Tell(root, new SpawnChildren(100));
        for (var i = 0; i < roots.Length; i++) await ExpectMsgAsync(100, TimeSpan.FromSeconds(30));
        Assert.NotNull(Sys.Resolve("/user/root99/c99"));
        foreach (var root in roots) Watch(root);
        foreach (var root in roots) Sys.Stop(root);
        for (var i = 0; i < roots.Length; i++) await ExpectMsgAsync<Terminated>(timeout: TimeSpan.FromSeconds(30));
        Assert.Null(Sys.Resolve("/user/root0/c0"));
    }

    private sealed record Boom(int Id);

    private sealed class Flaky(IActorRef reporter) : ReceiveActor
    {
        public Flaky() : this(ActorRefs.Nobody)
        {
        }

        protected override void PreStart() => Become(() =>
        {
            Receive<Boom>(b =>
            {
                if (b.Id % 10 == 0) throw new InvalidOperationException($"boom {b.Id}");
                reporter.Tell(b.Id);
            });
        });
    }

    [Fact]
    public async Task Concurrent_failures_must_each_restart_without_losing_the_other_messages()
    {
        var flaky = Enumerable.Range(0, 50).Select(_ => Sys.ActorOf(Props.Create(() => new Flaky(TestActor.Ref)))).ToArray();
        await Task.WhenAll(flaky.Select(f => Task.Run(() =>
        {
            for (var i = 1; i <= 200; i++) f.Tell(new Boom(i));
        })));
        var count = 0;
        for (var i = 0; i < 50 * 180; i++)
        {
            await ExpectMsgAsync<int>(timeout: TimeSpan.FromSeconds(30));
            count++;
        }
        Assert.Equal(50 * 180, count);
        await ExpectNoMsgAsync();
    }
}
