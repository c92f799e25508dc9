using Xunit;

namespace Lava.Kernel.Tests.Actor;

public sealed class DeadLetterSpec : TestKit.TestKit
{
    /// <summary>Subscribes itself to dead letters and ignores them.</summary>
    private sealed class DeadLetterSubscriber : ReceiveActor
    {
        public DeadLetterSubscriber()
        {
            Context.System.EventStream.Subscribe(Self, typeof(DeadLetter));
            ReceiveAny(_ => { });
        }
    }

    [Fact]
    public async Task A_stopped_subscriber_of_dead_letters_must_not_feed_its_dead_letters_back_to_itself()
    {
        var subscriber = Sys.ActorOf(Props.Create(() => new DeadLetterSubscriber()));
        Watch(subscriber);
        Sys.Stop(subscriber);
        await ExpectTerminatedAsync(subscriber);
        Sys.EventStream.Subscribe(TestActor.Ref, typeof(DeadLetter));

        Sys.DeadLetters.Tell("lost");

        var letter = await ExpectMsgAsync<DeadLetter>();
        Assert.Equal("lost", letter.Message);
        await ExpectNoMsgAsync();
    }
}
