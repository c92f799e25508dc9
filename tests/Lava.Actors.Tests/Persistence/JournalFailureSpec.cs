using Akka.Actor;
using Akka.Configuration;
using Akka.Pattern;
using Akka.Persistence.TestKit;
using Lava.Actors.Persistence;
using Xunit;
using Xunit.Abstractions;
using static Lava.Actors.Tests.Persistence.PresenceLogActor;

namespace Lava.Actors.Tests.Persistence;

/// <summary>
/// A failed journal write stops the persistent actor (Akka.Persistence's rule), so its parent must be a
/// <see cref="BackoffSupervisor"/>: the next incarnation recovers what was committed and nothing else.
/// </summary>
public sealed class JournalFailureSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(Config, output: output)
{
    private static readonly Config Config = ConfigurationFactory.ParseString("""
        akka.persistence.journal {
          plugin = "akka.persistence.journal.test"
          test { class = "Akka.Persistence.TestKit.TestJournal, Akka.Persistence.TestKit", plugin-dispatcher = "akka.actor.default-dispatcher" }
        }
        akka.persistence.snapshot-store {
          plugin = "akka.persistence.snapshot-store.test"
          test { class = "Akka.Persistence.TestKit.TestSnapshotStore, Akka.Persistence.TestKit", plugin-dispatcher = "akka.actor.default-dispatcher" }
        }
        """);

    [Fact]
    public async Task A_failed_write_must_stop_the_actor_and_its_backoff_supervisor_must_bring_back_only_the_committed_events()
    {
        var journal = TestJournal.FromRef(Akka.Persistence.Persistence.Instance.Apply(Sys).JournalFor(null));
        var committed = Event(1);
        var supervisor = Sys.ActorOf(BackoffSupervisor.Props(Backoff.OnStop(
            PresenceLogActor.Props("worker-presence-test"), "log", TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(1), randomFactor: 0, maxNrOfRetries: -1)));
        supervisor.Tell(committed);
        Assert.Equal(new Persisted(1), await ExpectMsgAsync<Persisted>());
        var first = await CurrentChildAsync(supervisor);
        Watch(first);

        await journal.OnWrite.Fail();
        supervisor.Tell(Event(2));
        await ExpectTerminatedAsync(first);
        await journal.OnWrite.Pass();

        IActorRef second = ActorRefs.Nobody;
        await AwaitAssertAsync(async () =>
        {
            second = await CurrentChildAsync(supervisor);
            Assert.NotEqual(first, second);
        });
        second.Tell(GetRecovered.Instance);
        Assert.Equal<object>([committed], (await ExpectMsgAsync<Recovered>()).Seen.ToArray());
        second.Tell(Event(3));
        Assert.Equal(new Persisted(2), await ExpectMsgAsync<Persisted>());
    }

    private static WorkerPresenceChanged Event(int n) => new($"rpi4-{n:00}", WorkerPresenceChanged.Online, n, DateTimeOffset.UnixEpoch.AddMinutes(n));

    private static async Task<IActorRef> CurrentChildAsync(IActorRef supervisor) =>
        (await supervisor.Ask<BackoffSupervisor.CurrentChild>(BackoffSupervisor.GetCurrentChild.Instance, TimeSpan.FromSeconds(3))).Ref
        ?? throw new InvalidOperationException("the backoff supervisor has no child right now");
}
