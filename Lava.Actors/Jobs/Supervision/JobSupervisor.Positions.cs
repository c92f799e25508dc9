using Akka.Actor;
using Akka.Event;

namespace Lava.Actors.Jobs.Supervision;

/// <summary>
/// Where the device's stream stands. The stores are the truth: a chunk is acknowledged once they hold it, with no
/// journal write, so a supervisor that starts on a job holding a device counts the lines in the log store and the
/// cases in the results store before it does anything else (journals written before this rule may hold a
/// <see cref="JobProgressAcknowledged"/> further on: the larger position stands).
/// </summary>
public sealed partial class JobSupervisor
{
    private const string PositionsKey = "positions";

    /// <summary>The positions the journal holds: a job's end journals the final ones when they moved on since.</summary>
    private (long LogLines, long TestCases) _journaledProgress;

    private void LoadPositions()
    {
        Become(LoadingPositions);
        var (logs, results, jobId) = (_services.Logs, _services.Results, JobId);
        CountAsync().PipeTo(Self, failure: e => new PositionsUnavailable(e.Message));

        async Task<object> CountAsync()
        {
            var lines = await logs.CountAsync(jobId).ConfigureAwait(false);
            var cases = await results.CountAsync(jobId).ConfigureAwait(false);
            return new PositionsLoaded(lines, cases);
        }
    }

    /// <summary>Counting the stores: every command waits until the positions are known.</summary>
    private void LoadingPositions()
    {
        Command<PositionsLoaded>(loaded =>
        {
            _job = _job with { LogLines = Math.Max(_job.LogLines, loaded.LogLines), TestCases = Math.Max(_job.TestCases, loaded.TestCases) };
            Become(OnDevice);
            Stash.UnstashAll();
            ResumeOnDevice();
        });
        Command<PositionsUnavailable>(failed =>
        {
            _log.Warning("Job {JobId}: counting its stored lines and cases failed, retrying: {Reason}", JobId, failed.Reason);
            Timers.StartSingleTimer(PositionsKey, RetryPositions.Instance, _settings.RunJobRetry);
        });
        Command<RetryPositions>(_ => LoadPositions());
        Command<StopSupervisor>(_ => Context.Stop(Self));
        CommandAny(_ => Stash.Stash());
    }

    /// <summary>Journals the positions with the job's end (for its status once finished), when they moved on.</summary>
    private void JournalPositions()
    {
        if ((_job.LogLines, _job.TestCases) == _journaledProgress) return;
        Persist(new JobProgressAcknowledged(JobId, _job.LogLines, _job.TestCases), e => _journaledProgress = (e.LogLines, e.TestCases));
    }

    private sealed record PositionsLoaded(long LogLines, long TestCases);

    private sealed record PositionsUnavailable(string Reason);

    private sealed record RetryPositions
    {
        public static RetryPositions Instance { get; } = new();
    }
}
