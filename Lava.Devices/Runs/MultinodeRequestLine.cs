namespace Lava.Devices.Runs;

/// <summary>
/// One line of <c>multinode-requests.jsonl</c>: the runner's MultiNode call number <paramref name="Seq"/> (1, 2, … in
/// order), <paramref name="Call"/> (<c>send</c>, <c>wait</c>, <c>wait-all</c>, <c>sync</c>), its message id, the role
/// a <c>wait-all</c> is limited to (or null) and the data a send publishes. The device actor forwards it to the job's
/// supervisor and appends the supervisor's answer, with the same seq, to <c>multinode-answers.jsonl</c>.
/// </summary>
public sealed record MultinodeRequestLine(long Seq, string Call, string MessageId, string? Role, IReadOnlyDictionary<string, string> Data);
