using Xunit;

namespace Lava.Kernel.Tests.Actor;

public sealed class StashSpec : TestKit.TestKit
{
    private sealed record Open;

    private sealed record StashTwice;

    /// <summary>Stashes strings until opened, then replays them; closed again on "close".</summary>
    private sealed class Gate : ReceiveActor, IWithStash
    {
        public Gate()
        {
            Receive<Open>(_ =>
            {
                Become(Opened);
                Stash.UnstashAll();
            });
            Receive<StashTwice>(_ =>
            {
                Stash.Stash();
                try
                {
                    Stash.Stash();
                }
                catch (IllegalActorStateException e)
                {
                    Sender.Tell(e.Message);
                }
            });
            Receive<string>(s => s == "crash", _ => throw new InvalidOperationException("crash while closed"));
            ReceiveAny(_ => Stash.Stash());
        }

        public IStash Stash { get; set; } = null!;

        private void Opened() => Receive<string>(s => Sender.Tell($"got {s}"));
    }

    [Fact]
    public async Task Stashed_messages_must_survive_Become_and_be_replayed_in_order_before_newer_ones()
    {
        var gate = Sys.ActorOf(Props.Create(() => new Gate()));
        for (var i = 0; i < 100; i++) Tell(gate, $"m{i}");
        gate.Tell(new Open());
        Tell(gate, "after");
        for (var i = 0; i < 100; i++) await ExpectMsgAsync($"got m{i}");
        await ExpectMsgAsync("got after");
    }

    [Fact]
    public async Task Stashing_the_same_message_twice_must_throw()
    {
        var gate = Sys.ActorOf(Props.Create(() => new Gate()));
        Tell(gate, new StashTwice());
        Assert.Contains("more than once", await ExpectMsgAsync<string>());
    }

    [Fact]
    public async Task A_restart_must_return_the_stash_to_the_mailbox()
    {
        var gate = Sys.ActorOf(Props.Create(() => new Gate()));
        Tell(gate, "first");
        Tell(gate, "crash");
        gate.Tell(new Open());
        Tell(gate, "second");
        await ExpectMsgAsync("got first");
        await ExpectMsgAsync("got second");
    }

    [Fact]
    public async Task Stop_must_send_stashed_messages_to_dead_letters()
    {
        var gate = Sys.ActorOf(Props.Create(() => new Gate()));
        Tell(gate, "kept");
        Tell(gate, new Identify("stashed"));
        await ExpectMsgAsync<ActorIdentity>();
        Sys.Stop(gate);
        var letter = await ExpectDeadLetterAsync(m => Equals(m, "kept"));
        Assert.Equal(gate, letter.Recipient);
    }

    [Fact]
    public async Task A_bounded_stash_must_overflow_with_a_clear_error()
    {
        var gate = Sys.ActorOf(Props.Create(() => new Gate()).WithStashCapacity(2));
        Watch(gate);
        Tell(gate, "a");
        Tell(gate, "b");
        Tell(gate, "c");
        var entry = await ExpectLoggedAsync<StashOverflowException>();
        Assert.Contains("full", entry.Exception!.Message);
    }
}
