using Xunit;

namespace Lava.Kernel.Tests.Actor;

public sealed class AskSpec : TestKit.TestKit
{
    private sealed class Responder : ReceiveActor
    {
        public Responder()
        {
            Receive<string>(s => s == "fail", _ => Sender.Tell(new Status.Failure(new InvalidOperationException("refused"))));
            Receive<string>(s => s == "silent", _ => { });
            Receive<string>(s => s == "number", _ => Sender.Tell(42));
            Receive<string>(s => Sender.Tell(s.ToUpperInvariant()));
        }
    }

    private IActorRef NewResponder() => Sys.ActorOf(Props.Create(() => new Responder()));

    [Fact]
    public async Task Ask_must_complete_with_the_reply()
    {
        Assert.Equal("HELLO", await NewResponder().Ask<string>("hello"));
        Assert.Equal(0, Sys.PendingAsks);
    }

    [Fact]
    public async Task Ask_must_fault_with_the_cause_of_a_Status_Failure()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => NewResponder().Ask<string>("fail"));
        Assert.Equal("refused", error.Message);
    }

    [Fact]
    public async Task Ask_must_fault_when_the_reply_has_another_type()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => NewResponder().Ask<string>("number"));
        Assert.Contains("Ask expected message of type [System.String]", error.Message);
    }

    [Fact]
    public async Task Ask_must_time_out_cleanly_without_leaking_its_temporary_actor()
    {
        var ask = NewResponder().Ask<string>("silent", TimeSpan.FromSeconds(2));
        await AwaitAssertAsync(() => Assert.Equal(1, Time!.ActiveTimers));
        Assert.Equal(1, Sys.PendingAsks);
        Advance(TimeSpan.FromSeconds(1));
        Assert.False(ask.IsCompleted);
        Advance(TimeSpan.FromSeconds(1));
        var error = await Assert.ThrowsAsync<AskTimeoutException>(() => ask);
        Assert.Contains("String", error.Message);
        Assert.Equal(0, Sys.PendingAsks);
        Assert.Equal(0, Time!.ActiveTimers);
    }

    private sealed class Holder(IActorRef reporter) : ReceiveActor
    {
        public Holder() : this(ActorRefs.Nobody)
        {
        }

        protected override void PreStart() => Become(() => Receive<string>(_ => reporter.Tell(Sender)));
    }

    [Fact]
    public async Task A_late_reply_must_go_to_dead_letters()
    {
        var holder = Sys.ActorOf(Props.Create(() => new Holder(TestActor.Ref)));
        var ask = holder.Ask<string>("hold", TimeSpan.FromSeconds(1));
        var promise = await ExpectMsgAsync<IActorRef>();
        Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<AskTimeoutException>(() => ask);
        promise.Tell("too late");
        var letter = await ExpectDeadLetterAsync(m => Equals(m, "too late"));
        Assert.Equal(promise, letter.Recipient);
    }

    [Fact]
    public async Task Ask_must_be_cancelled_by_its_token()
    {
        using var cts = new CancellationTokenSource();
        var ask = NewResponder().Ask<string>("silent", cancellationToken: cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask);
        Assert.Equal(0, Sys.PendingAsks);
    }

    [Fact]
    public async Task Ten_thousand_concurrent_asks_must_all_complete()
    {
        var responders = Enumerable.Range(0, 100).Select(_ => NewResponder()).ToArray();
        var asks = Enumerable.Range(0, 10_000).Select(i => responders[i % 100].Ask<string>($"m{i}")).ToArray();
        var replies = await Task.WhenAll(asks);
        Assert.Equal(Enumerable.Range(0, 10_000).Select(i => $"M{i}"), replies);
        Assert.Equal(0, Sys.PendingAsks);
    }
}
