using Lava.Actors.Jobs;

namespace Lava.Devices.TestShell;

/// <summary>
/// Where a <see cref="TestShellSession"/> reports: log records (LAVA's levels: <c>debug</c>, <c>info</c>,
/// <c>warning</c>, <c>error</c>, <c>results</c>, <c>event</c>) and test cases. Called from the session's task only.
/// </summary>
public interface ITestShellSink
{
    /// <summary>Appends a record to the job's log; returns its line number (a result's <see cref="TestCaseResult.LogLine"/>).</summary>
    long Log(string level, string message);

    /// <summary>Records one test case (suites <c>N_name</c>, interactive/monitor names, and <c>lava</c>).</summary>
    void Result(TestCaseResult result);
}

/// <summary>
/// The MultiNode side a <see cref="TestShellSession"/> asks when a test calls <c>lava-send</c>, <c>lava-wait</c>,
/// <c>lava-wait-all</c> or <c>lava-sync</c>. The answer is the line the session types on the console for the waiting
/// helper: <c>&lt;LAVA_SEND_COMPLETE&gt;</c>, <c>&lt;LAVA_SYNC_COMPLETE&gt;</c>, <c>&lt;LAVA_WAIT_COMPLETE
/// job:key=value …&gt;</c>, <c>&lt;LAVA_WAIT_ALL_COMPLETE job:key=value …&gt;</c>, or <c>&lt;API_NACK reason&gt;</c>
/// to make the helper fail. The task may take as long as the group needs; it is cancelled with the action.
/// </summary>
public interface IMultinodeApi
{
    /// <summary>Serves <paramref name="request"/> and returns the answer line.</summary>
    Task<string> RequestAsync(MultinodeRequest request, CancellationToken cancellationToken);
}
