using Lava.Actors.Wire;

namespace Lava.Actors.Jobs.Running;

/// <summary>
/// The conversation between a job's supervisor (master) and the worker that runs the job on one of its devices. The
/// supervisor sends to the worker's agent (<c>/user/worker</c>), which hands the message to the device's actor; the
/// device side answers the sender. Flows that must not lose data carry positions and acknowledgements: the device side
/// keeps every log line and test case until the supervisor has acknowledged it, and sends again from the acknowledged
/// position when asked (<see cref="RunJob"/> again, after a master restart).
/// </summary>
public static class DeviceJobProtocol;

/// <summary>
/// Run the job on <paramref name="Device"/>, or, when it runs there already, carry on streaming from
/// <paramref name="NextLogLine"/> and <paramref name="NextTestCase"/> to the sender. Answered with <see cref="JobRunReport"/>.
/// <paramref name="Group"/> is a MultiNode job's group, every member's role by job id (this job's included); null for a
/// single-node job. The sender also serves the job's <see cref="MultinodeRequest"/>s.
/// </summary>
[WireManifest("lava.device.run-job.v1")]
public sealed record RunJob(
    long JobId,
    string Device,
    string Definition,
    string DeviceConfiguration,
    TimeSpan JobTimeout,
    long NextLogLine,
    long NextTestCase,
    IReadOnlyDictionary<long, string>? Group = null) : ILavaWireMessage;

/// <summary>Asks whether the device runs the job; answered with <see cref="JobRunReport"/>.</summary>
[WireManifest("lava.device.query-job.v1")]
public sealed record QueryJob(long JobId, string Device) : ILavaWireMessage;

/// <summary>
/// Whether <paramref name="Device"/> runs job <paramref name="JobId"/>. <paramref name="Running"/> false with
/// <paramref name="Ended"/> set means it ended meanwhile (its <see cref="JobRunEnded"/> follows); false with none means
/// the device does not know the job (the run was lost).
/// </summary>
[WireManifest("lava.device.job-run-report.v1")]
public sealed record JobRunReport(long JobId, string Device, string Worker, bool Running, bool Ended) : ILavaWireMessage;

/// <summary>
/// Log lines <paramref name="FirstLine"/>.. of the job, each one LAVA log line (<c>- {"dt": ..., "lvl": ..., "msg": ...}</c>).
/// Workers send <see cref="JobLogText"/>; the supervisor still takes this form (earlier workers, simulated devices).
/// </summary>
[WireManifest("lava.device.job-log.v1")]
public sealed record JobLogChunk(long JobId, long FirstLine, IReadOnlyList<string> Lines) : ILavaWireMessage;

/// <summary>
/// Log lines <paramref name="FirstLine"/>.. of the job as the spool holds them: UTF-8, each LAVA log line ending with
/// <c>\n</c>. One base64 string on the wire instead of a JSON string per line, so that neither side turns every line into
/// a string: the device side reads it from its spool as bytes, the supervisor checks the bytes and stores them as they
/// are. Acknowledged with <see cref="JobProgressAck"/> as <see cref="JobLogChunk"/> is.
/// </summary>
[WireManifest("lava.device.job-log.v2")]
public sealed record JobLogText(long JobId, long FirstLine, byte[] Text) : ILavaWireMessage;

/// <summary>Test cases <paramref name="FirstCase"/>.. of the job.</summary>
[WireManifest("lava.device.job-results.v1")]
public sealed record JobResultsChunk(long JobId, long FirstCase, IReadOnlyList<TestCaseResult> Cases) : ILavaWireMessage;

/// <summary>The master stored the job's log lines before <paramref name="LogLines"/> and test cases before <paramref name="TestCases"/>; the device side may drop them.</summary>
[WireManifest("lava.device.job-progress-ack.v1")]
public sealed record JobProgressAck(long JobId, long LogLines, long TestCases) : ILavaWireMessage;

/// <summary>
/// The job's pipeline ended with LAVA's <paramref name="Result"/> (<c>pass</c> or <c>fail</c>), <paramref name="ErrorType"/>
/// and <paramref name="Errors"/>, after <paramref name="LogLines"/> log lines and <paramref name="TestCases"/> test cases
/// (the supervisor finishes the job once it has stored all of them). Sent again until <see cref="JobRunEndAck"/>.
/// </summary>
[WireManifest("lava.device.job-run-ended.v1")]
public sealed record JobRunEnded(long JobId, string Device, string Result, string ErrorType, string Errors, long LogLines, long TestCases) : ILavaWireMessage;

/// <summary>The master recorded the end of the job; the device side forgets it.</summary>
[WireManifest("lava.device.job-run-end-ack.v1")]
public sealed record JobRunEndAck(long JobId) : ILavaWireMessage;

/// <summary>Stop the job (cancel, or the master's job timeout): the device side stops it, powers the device off and then sends <see cref="JobRunEnded"/>.</summary>
[WireManifest("lava.device.stop-job.v1")]
public sealed record StopJob(long JobId, string Device, string Reason) : ILavaWireMessage;
