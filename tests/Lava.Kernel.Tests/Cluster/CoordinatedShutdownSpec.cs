using System.Collections.Concurrent;
using Lava.Kernel.Configuration;
using Xunit;

namespace Lava.Kernel.Tests.Cluster;

public sealed class CoordinatedShutdownSpec : IAsyncLifetime
{
    private readonly List<ActorSystem> _systems = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var system in _systems) await system.Terminate();
    }

    private ActorSystem NewSystem(string config = "")
    {
        var system = ActorSystem.Create($"shutdown-{_systems.Count}", ConfigFactory.ParseString(config));
        _systems.Add(system);
        return system;
    }

    [Fact]
    public async Task CoordinatedShutdown_must_run_the_phases_in_order_and_terminate_the_system_last()
    {
        var system = NewSystem();
        var shutdown = CoordinatedShutdown.Get(system);
        Assert.Same(shutdown, CoordinatedShutdown.Get(system));
        var ran = new ConcurrentQueue<string>();
        foreach (var phase in CoordinatedShutdown.Phases.Reverse())
        {
            shutdown.AddTask(phase, "record", _ =>
            {
                Assert.False(system.WhenTerminated.IsCompleted);
                ran.Enqueue(phase);
                return Task.CompletedTask;
            });
        }
        Assert.Null(shutdown.Reason);

        await shutdown.RunAsync("test over").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(CoordinatedShutdown.Phases, ran);
        Assert.Equal("test over", shutdown.Reason);
        Assert.True(system.WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task A_phase_must_end_at_its_timeout_and_the_next_phase_must_still_run()
    {
        var system = NewSystem("akka.coordinated-shutdown.phases.service-unbind.timeout = 200ms");
        var shutdown = CoordinatedShutdown.Get(system);
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var nextRan = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "hangs", async ct =>
        {
            await using var registration = ct.Register(() => cancelled.TrySetResult());
            await Task.Delay(Timeout.Infinite, ct);
        });
        shutdown.AddTask(CoordinatedShutdown.PhaseClusterLeave, "next", _ =>
        {
            nextRan.SetResult();
            return Task.CompletedTask;
        });

        await shutdown.RunAsync("hang").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(TimeSpan.FromMilliseconds(200), shutdown.PhaseTimeout(CoordinatedShutdown.PhaseServiceUnbind));
        Assert.True(cancelled.Task.IsCompleted);
        Assert.True(nextRan.Task.IsCompleted);
        Assert.True(system.WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task A_failing_task_must_not_stop_the_shutdown()
    {
        var system = NewSystem();
        var shutdown = CoordinatedShutdown.Get(system);
        var after = 0;
        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "fails", _ => throw new InvalidOperationException("boom"));
        shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "fine", _ =>
        {
            Interlocked.Increment(ref after);
            return Task.CompletedTask;
        });

        await shutdown.RunAsync("failure").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, after);
        Assert.True(system.WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task RunAsync_must_be_idempotent()
    {
        var system = NewSystem();
        var shutdown = CoordinatedShutdown.Get(system);
        var runs = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "count", async _ =>
        {
            Interlocked.Increment(ref runs);
            await release.Task;
        });

        var first = shutdown.RunAsync("first");
        var second = shutdown.RunAsync("second");
        release.SetResult();
        await first.WaitAsync(TimeSpan.FromSeconds(30));
        await shutdown.RunAsync("third").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Same(first, second);
        Assert.Equal(1, runs);
        Assert.Equal("first", shutdown.Reason);
    }

    [Fact]
    public async Task A_task_added_after_its_phase_started_must_not_run()
    {
        var system = NewSystem();
        var shutdown = CoordinatedShutdown.Get(system);
        var late = false;
        shutdown.AddTask(CoordinatedShutdown.PhaseClusterLeave, "adds-late", _ =>
        {
            shutdown.AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "late", _ =>
            {
                late = true;
                return Task.CompletedTask;
            });
            return Task.CompletedTask;
        });

        await shutdown.RunAsync("late").WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(late);
    }

    [Fact]
    public void AddTask_must_refuse_an_unknown_phase_and_bad_timeouts_must_name_their_key()
    {
        var shutdown = CoordinatedShutdown.Get(NewSystem());
        var error = Assert.Throws<ArgumentException>(() => shutdown.AddTask("after-everything", "x", _ => Task.CompletedTask));
        Assert.Contains("after-everything", error.Message);
        var system = NewSystem("akka.coordinated-shutdown.default-phase-timeout = 0s");
        var bad = Assert.Throws<ConfigException>(() => CoordinatedShutdown.Get(system));
        Assert.Contains("akka.coordinated-shutdown.default-phase-timeout", bad.Message);
    }
}
