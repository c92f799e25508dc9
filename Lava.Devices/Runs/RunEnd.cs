using System.Globalization;
using System.Text.Json.Serialization;
using Lava.Devices.TestShell;

namespace Lava.Devices.Runs;

/// <summary>
/// How a job's pipeline ended, as <c>end.json</c> holds it: LAVA's <paramref name="Result"/> (<c>pass</c> or
/// <c>fail</c>), <paramref name="ErrorType"/> (<c>""</c>, <c>Infrastructure</c>, <c>Job</c>, <c>Test</c>, <c>Bug</c>,
/// <c>Configuration</c>, <c>LAVATimeout</c>, <c>Canceled</c>) and the <paramref name="Errors"/> text.
/// </summary>
public sealed record RunEnd(string Result, string ErrorType, string Errors)
{
    /// <summary>The pipeline ended without an error (test cases may still have failed).</summary>
    public static RunEnd Pass { get; } = new("pass", "", "");

    /// <summary>A failure of <paramref name="errorType"/> described by <paramref name="errors"/>.</summary>
    public static RunEnd Fail(string errorType, string errors) => new("fail", errorType, errors);
}

/// <summary>
/// What <c>run.json</c> tells the runner about its job: the job's id, its device, the worker, the job's timeout in
/// seconds, the URL under which the worker's file server serves the job's files (null: none) and, for a MultiNode job,
/// its group (null otherwise).
/// </summary>
public sealed record RunInfo(long JobId, string Device, string Worker, long JobTimeoutSeconds, string? FileServer, RunMultinode? Multinode = null);

/// <summary>
/// run.json's <c>multinode</c>: the job's own id (<paramref name="Self"/>) and <paramref name="Role"/>, and every
/// member's role by job id (<paramref name="Group"/>, this job included), what <c>lava-self</c>, <c>lava-role</c> and
/// <c>lava-group</c> print.
/// </summary>
public sealed record RunMultinode(long Self, string Role, IReadOnlyDictionary<long, string> Group)
{
    /// <summary>The group as the test shell's overlay exports it, members in job id order.</summary>
    public MultinodeInfo ToOverlay() => new(
        Self.ToString(CultureInfo.InvariantCulture),
        Role,
        [.. Group.OrderBy(m => m.Key).Select(m => KeyValuePair.Create(m.Key.ToString(CultureInfo.InvariantCulture), m.Value))]);
}

/// <summary>What the master acknowledged (<c>acked.json</c>): log lines and test cases before these positions are stored there.</summary>
public sealed record RunAcked(long LogLines, long TestCases)
{
    [JsonIgnore]
    public static RunAcked None { get; } = new(0, 0);
}
