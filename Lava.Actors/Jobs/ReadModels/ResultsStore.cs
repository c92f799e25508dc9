using System.Text.Json;
using Dapper;
using Lava.Actors.Lab.Store;
using Lava.Actors.Wire;

namespace Lava.Actors.Jobs.ReadModels;

/// <summary>A job's test suite: its id (in REST paths) and name (<c>lava</c>, <c>0_smoke</c>...).</summary>
public sealed record TestSuiteInfo(long Id, long JobId, string Name);

/// <summary>A stored test case: <see cref="TestCaseResult"/> plus its id and its position in the job.</summary>
public sealed record StoredTestCase(
    long Id,
    long JobId,
    long Position,
    string Suite,
    string Name,
    TestResultCode Result,
    string? Measurement,
    string? Units,
    string? Set,
    long? LogLine,
    DateTimeOffset Logged,
    IReadOnlyDictionary<string, string>? Extra);

/// <summary>
/// The results tables (<c>test_suites</c>, <c>test_cases</c>): where job supervisors append the cases a job reports
/// (<see cref="IJobResultsSink"/>) and what the results APIs read. Reads do not check visibility: callers find the job
/// through <see cref="IJobReadModel"/> first.
/// </summary>
public sealed class ResultsStore(LabDatabase database) : IJobResultsSink
{
    private const string CaseColumns =
        "id AS Id, job_id AS JobId, position AS Position, suite AS Suite, name AS Name, result AS Result, measurement AS Measurement, " +
        "units AS Units, test_set AS TestSet, log_line AS LogLine, logged AS Logged, extra AS Extra";

    /// <inheritdoc />
    public async Task<long> AppendAsync(long jobId, long firstCase, IReadOnlyList<TestCaseResult> cases, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentOutOfRangeException.ThrowIfNegative(firstCase);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO test_suites (job_id, name) VALUES (@jobId, @name) ON CONFLICT (job_id, name) DO NOTHING",
            cases.Select(c => c.Suite).Distinct(StringComparer.Ordinal).Select(name => new { jobId, name }),
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        // The position is the key: a batch sent again after a lost acknowledgement inserts nothing twice.
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO test_cases (job_id, position, suite, name, result, measurement, units, test_set, log_line, logged, extra) " +
            "VALUES (@jobId, @position, @suite, @name, @result, @measurement, @units, @set, @logLine, @logged, @extra) ON CONFLICT (job_id, position) DO NOTHING",
            cases.Select((c, i) => new
            {
                jobId,
                position = firstCase + i,
                suite = c.Suite,
                name = c.Name,
                result = (int)TestResultCodes.Parse(c.Result),
                measurement = c.Measurement,
                units = c.Units,
                set = c.Set,
                logLine = c.LogLine,
                logged = c.At.ToUnixTimeMilliseconds(),
                extra = c.Extra is { Count: > 0 } extra ? JsonSerializer.Serialize(extra, LavaJsonSerializer.Options) : null,
            }),
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM test_cases WHERE job_id = @jobId", new { jobId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return total;
    }

    /// <inheritdoc />
    public Task<long> CountAsync(long jobId, CancellationToken cancellationToken = default) => CountCasesAsync(jobId, null, cancellationToken);

    /// <summary>The job's suites in the order they first reported.</summary>
    public Task<IReadOnlyList<TestSuiteInfo>> ListSuitesAsync(long jobId, CancellationToken cancellationToken = default) =>
        QueryAsync<TestSuiteInfo>("SELECT id AS Id, job_id AS JobId, name AS Name FROM test_suites WHERE job_id = @jobId ORDER BY id", new { jobId }, cancellationToken);

    /// <summary>The suite <paramref name="suiteId"/> of the job, or null.</summary>
    public async Task<TestSuiteInfo?> FindSuiteAsync(long jobId, long suiteId, CancellationToken cancellationToken = default) =>
        (await QueryAsync<TestSuiteInfo>("SELECT id AS Id, job_id AS JobId, name AS Name FROM test_suites WHERE job_id = @jobId AND id = @suiteId", new { jobId, suiteId }, cancellationToken).ConfigureAwait(false))
        .FirstOrDefault();

    /// <summary>
    /// The job's cases in report order, of one suite or (<paramref name="suite"/> null) all; from <paramref name="offset"/>,
    /// at most <paramref name="limit"/> (null: all).
    /// </summary>
    public async Task<IReadOnlyList<StoredTestCase>> ListCasesAsync(long jobId, string? suite = null, int? limit = null, int offset = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var rows = await QueryAsync<CaseRow>(
            $"SELECT {CaseColumns} FROM test_cases WHERE job_id = @jobId AND (@suite IS NULL OR suite = @suite) ORDER BY position LIMIT @limit OFFSET @offset",
            new { jobId, suite, limit = (long?)limit ?? long.MaxValue, offset = (long)offset },
            cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToCase())];
    }

    /// <summary>The cases named <paramref name="name"/> in the job's suite <paramref name="suite"/> (a name may repeat).</summary>
    public async Task<IReadOnlyList<StoredTestCase>> FindCasesAsync(long jobId, string suite, string name, CancellationToken cancellationToken = default)
    {
        var rows = await QueryAsync<CaseRow>(
            $"SELECT {CaseColumns} FROM test_cases WHERE job_id = @jobId AND suite = @suite AND name = @name ORDER BY position",
            new { jobId, suite, name },
            cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToCase())];
    }

    /// <summary>
    /// The cases named <paramref name="name"/> of suite <paramref name="suite"/> across jobs, newest job first, at most
    /// <paramref name="limit"/>. No visibility check: callers keep only the jobs the reader may see.
    /// </summary>
    public async Task<IReadOnlyList<StoredTestCase>> ListCaseHistoryAsync(string suite, string name, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var rows = await QueryAsync<CaseRow>(
            $"SELECT {CaseColumns} FROM test_cases WHERE suite = @suite AND name = @name ORDER BY job_id DESC, position LIMIT @limit",
            new { suite, name, limit = (long)limit },
            cancellationToken).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToCase())];
    }

    /// <summary>The number of the job's cases, in one suite or all.</summary>
    public async Task<long> CountCasesAsync(long jobId, string? suite = null, CancellationToken cancellationToken = default) =>
        (await QueryAsync<long>("SELECT COUNT(*) FROM test_cases WHERE job_id = @jobId AND (@suite IS NULL OR suite = @suite)", new { jobId, suite }, cancellationToken).ConfigureAwait(false))[0];

    /// <summary>The job's cases by result.</summary>
    public async Task<TestOutcome> CountOutcomesAsync(long jobId, CancellationToken cancellationToken = default)
    {
        var counts = (await QueryAsync<(long Result, long Count)>(
                "SELECT result, COUNT(*) FROM test_cases WHERE job_id = @jobId GROUP BY result", new { jobId }, cancellationToken).ConfigureAwait(false))
            .ToDictionary(c => (TestResultCode)c.Result, c => (int)c.Count);
        return new TestOutcome(
            counts.GetValueOrDefault(TestResultCode.Pass),
            counts.GetValueOrDefault(TestResultCode.Fail),
            counts.GetValueOrDefault(TestResultCode.Skip),
            counts.GetValueOrDefault(TestResultCode.Unknown));
    }

    /// <summary>
    /// The job definition's <c>metadata</c> entries as <c>results.get_testjob_metadata</c> lists them (one-entry maps,
    /// values as text), or null when the job is not in the read model.
    /// </summary>
    public async Task<IReadOnlyList<KeyValuePair<string, string>>?> GetMetadataAsync(long jobId, CancellationToken cancellationToken = default)
    {
        var specs = await QueryAsync<string>("SELECT spec FROM jobs WHERE id = @jobId", new { jobId }, cancellationToken).ConfigureAwait(false);
        if (specs.Count == 0)
        {
            return null;
        }

        var spec = JsonSerializer.Deserialize<JobSpec>(specs[0], LavaJsonSerializer.Options)!;
        return JobMetadata.Read(spec.Definition);
    }

    private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return [.. await connection.QueryAsync<T>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false)];
    }

    // Dapper converts SQLite's 64-bit integers into these members; PostgreSQL's types match them already.
    private sealed class CaseRow
    {
        public long Id { get; init; }

        public long JobId { get; init; }

        public long Position { get; init; }

        public string Suite { get; init; } = "";

        public string Name { get; init; } = "";

        public int Result { get; init; }

        public string? Measurement { get; init; }

        public string? Units { get; init; }

        public string? TestSet { get; init; }

        public long? LogLine { get; init; }

        public long Logged { get; init; }

        public string? Extra { get; init; }

        public StoredTestCase ToCase() => new(
            Id,
            JobId,
            Position,
            Suite,
            Name,
            (TestResultCode)Result,
            Measurement,
            Units,
            TestSet,
            LogLine,
            DateTimeOffset.FromUnixTimeMilliseconds(Logged),
            Extra is null ? null : JsonSerializer.Deserialize<Dictionary<string, string>>(Extra, LavaJsonSerializer.Options));
    }
}
