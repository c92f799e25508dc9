using System.Collections.Concurrent;
using Xunit;

namespace Lava.Kernel.Tests.Actor;

public sealed class MailboxSpec : TestKit.TestKit
{
    public MailboxSpec() : base(realTime: true)
    {
    }

    private sealed record Numbered(int Sender, int Sequence);

    private sealed record Report;

    /// <summary>Checks that each sender's sequence arrives in order and that no two messages overlap.</summary>
    private sealed class OrderChecker(int senders) : ReceiveActor
    {
        private readonly int[] _next = new int[senders];
        private int _inside;
        private int _violations;
        private long _received;

        public OrderChecker() : this(0)
        {
        }

        protected override void PreStart() => Become(() =>
        {
            Receive<Numbered>(n =>
            {
                if (Interlocked.Increment(ref _inside) != 1) _violations++;
                if (_next[n.Sender] != n.Sequence) _violations++;
                _next[n.Sender] = n.Sequence + 1;
                _received++;
                Interlocked.Decrement(ref _inside);
            });
            Receive<Report>(_ => Sender.Tell((_received, _violations)));
        });
    }

    [Fact]
    public async Task Messages_from_each_sender_must_arrive_in_order_one_at_a_time()
    {
        const int senders = 8;
        const int perSender = 50_000;
        var checker = Sys.ActorOf(Props.Create(() => new OrderChecker(senders)));
        await Task.WhenAll(Enumerable.Range(0, senders).Select(s => Task.Run(() =>
        {
            for (var i = 0; i < perSender; i++) checker.Tell(new Numbered(s, i));
        })));
        var (received, violations) = await checker.Ask<(long, int)>(new Report(), TimeSpan.FromSeconds(30));
        Assert.Equal(senders * perSender, received);
        Assert.Equal(0, violations);
    }

    private sealed record Slow(TaskCompletionSource Started, Task Gate);

    /// <summary>An async handler; records the order in which messages are seen.</summary>
    private sealed class AsyncWorker(ConcurrentQueue<string> log) : ReceiveActor
    {
        public AsyncWorker() : this(new ConcurrentQueue<string>())
        {
        }

        protected override void PreStart() => Become(() =>
        {
            ReceiveAsync<Slow>(async slow =>
            {
                log.Enqueue("slow-start");
                slow.Started.SetResult();
                await slow.Gate;
                log.Enqueue($"slow-end sender={Sender.Path.Name}");
            });
            Receive<string>(s =>
            {
                log.Enqueue(s);
                Sender.Tell(s);
            });
        });
    }

    [Fact]
    public async Task An_async_handler_must_hold_back_the_next_messages_until_its_task_completes()
    {
        var log = new ConcurrentQueue<string>();
        var worker = Sys.ActorOf(Props.Create(() => new AsyncWorker(log)));
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new TaskCompletionSource();
        Tell(worker, new Slow(started, gate.Task));
        Tell(worker, "next");
        await started.Task;
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        gate.SetResult();
        await ExpectMsgAsync("next");
        Assert.Equal(["slow-start", $"slow-end sender={TestActor.Ref.Path.Name}", "next"], log);
    }

    [Fact]
    public async Task Stop_must_overtake_queued_user_messages_and_send_them_to_dead_letters()
    {
        var log = new ConcurrentQueue<string>();
        var gate = new TaskCompletionSource();
        var blocker = Sys.ActorOf(Props.Create(() => new AsyncWorker(log)));
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        blocker.Tell(new Slow(started, gate.Task));
        await started.Task;
        for (var i = 0; i < 1000; i++) blocker.Tell($"queued {i}");
        Watch(blocker);
        Sys.Stop(blocker);
        gate.SetResult();
        await ExpectTerminatedAsync(blocker);
        await AwaitAssertAsync(() => Assert.True(Sys.DeadLetterCount >= 1000, $"dead letters: {Sys.DeadLetterCount}"));
        Assert.DoesNotContain(log, entry => entry.StartsWith("queued", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Throughput_must_bound_the_messages_processed_per_turn()
    {
        var seen = new ConcurrentQueue<int>();
        var probe = Sys.ActorOf(Props.Create(() => new ThroughputProbe(seen)).WithThroughput(5));
        var gate = new TaskCompletionSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        probe.Tell(new Slow(started, gate.Task));
        await started.Task;
        for (var i = 0; i < 23; i++) probe.Tell(i);
        gate.SetResult();
        await AwaitAssertAsync(() => Assert.Equal(23, seen.Count(n => n >= 0)));
        var turnSizes = seen.Where(n => n < 0).Select(n => -n).ToList();
        Assert.All(turnSizes, size => Assert.InRange(size, 1, 5));
    }

    /// <summary>Records each message, and the size of each turn (as a negative number) when a new turn begins.</summary>
    private sealed class ThroughputProbe(ConcurrentQueue<int> seen) : ReceiveActor
    {
        private long _turn = -1;
        private int _inTurn;

        public ThroughputProbe() : this(new ConcurrentQueue<int>())
        {
        }

        protected override void PreStart() => Become(() =>
        {
            ReceiveAsync<Slow>(async slow =>
            {
                slow.Started.SetResult();
                await slow.Gate;
            });
            Receive<int>(n =>
            {
                var turn = ActorCell.Current!.Turns;
                if (turn != _turn && _inTurn > 0)
                {
                    seen.Enqueue(-_inTurn);
                    _inTurn = 0;
                }
                _turn = turn;
                _inTurn++;
                seen.Enqueue(n);
                if (n == 22) seen.Enqueue(-_inTurn);
            });
        });
    }
}
