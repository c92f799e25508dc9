using Lava.Actors.Jobs.Running;
using Lava.Devices.Actors;
using Xunit;

namespace Lava.Devices.Tests.Runs;

/// <summary>
/// <see cref="DeviceActorOptions.LogLinger"/>: log lines that do not fill a chunk wait on the worker for more, up to the
/// linger; a full chunk and the job's end do not wait.
/// </summary>
public sealed class LogLingerSpec() : Akka.TestKit.Xunit2.TestKit(TestTime.AkkaConfig), IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly RunnerScripts _scripts = new();

    [Fact]
    public async Task Lines_short_of_a_chunk_must_wait_for_the_ones_after_them_until_the_end()
    {
        var devices = Sys.ActorOf(DeviceActors.Props(_scripts.Options("""
            lines 0 600
            while [ ! -e finish ]; do sleep 0.01; done
            line 600
            end_ pass "" ""
            """) with { LogLinger = TimeSpan.FromHours(1) }));
        devices.Tell(RunnerScripts.Run(1), TestActor);
        await ExpectMsgAsync<JobRunReport>();

        // A full chunk goes at once; the 88 lines after it wait, so they go with the line written after "finish".
        var full = await ExpectMsgAsync<JobLogText>(Deadline);
        Assert.Equal((0L, 512), (full.FirstLine, full.Lines().Count));
        var stored = new StoredJob();
        for (var i = 0; i < 512; i++) stored.Lines[i] = full.Lines()[i];
        devices.Tell(new JobProgressAck(1, 512, 0), TestActor);
        // The device actor answers a query after it handled the acknowledgement: the lines past the chunk still wait.
        devices.Tell(new QueryJob(1, RunnerScripts.DeviceName), TestActor);
        var next = await FishForMessageAsync(m => m is JobRunReport || (m is JobLogText t && t.FirstLine + t.Lines().Count > 512), Deadline);
        Assert.IsType<JobRunReport>(next);
        await File.WriteAllTextAsync(Path.Combine(_scripts.Job(1).Path, "finish"), "");

        var ended = await stored.CollectAsync(this, devices, 1, within: Deadline);
        Assert.Equal(("pass", 601L), (ended.Result, ended.LogLines));
        stored.AssertLines(601);
        // The resend timer may send the first chunk again; every chunk past it carries the 88 lines with the last one.
        var rest = stored.LogChunks.Where(c => c.FirstLine + c.Lines().Count > 512).ToList();
        Assert.NotEmpty(rest);
        Assert.All(rest, c => Assert.Equal((512L, 89), (c.FirstLine, c.Lines().Count)));
    }

    [Fact]
    public async Task Lines_short_of_a_chunk_must_go_once_they_waited_the_linger()
    {
        var devices = Sys.ActorOf(DeviceActors.Props(_scripts.Options("""
            lines 0 3
            while [ ! -e finish ]; do sleep 0.01; done
            end_ pass "" ""
            """) with { LogLinger = TimeSpan.FromMilliseconds(100) }));
        devices.Tell(RunnerScripts.Run(2), TestActor);
        await ExpectMsgAsync<JobRunReport>();

        // The runner is still waiting for "finish": the lines went on their own, once they had lingered.
        var chunk = await ExpectMsgAsync<JobLogText>(Deadline);
        Assert.Equal((0L, 3), (chunk.FirstLine, chunk.Lines().Count));
        devices.Tell(new JobProgressAck(2, 3, 0), TestActor);
        await File.WriteAllTextAsync(Path.Combine(_scripts.Job(2).Path, "finish"), "");
        var stored = new StoredJob();
        for (var i = 0; i < 3; i++) stored.Lines[i] = chunk.Lines()[i];
        Assert.Equal("pass", (await stored.CollectAsync(this, devices, 2, within: Deadline)).Result);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing) _scripts.Dispose();
    }
}
