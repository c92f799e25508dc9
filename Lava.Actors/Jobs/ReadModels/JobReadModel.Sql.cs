using System.Text;
using System.Text.Json;
using Dapper;
using Lava.Actors.Jobs.Definition;
using Lava.Actors.Lab.Store;
using Lava.Actors.Wire;

namespace Lava.Actors.Jobs.ReadModels;

/// <summary>
/// <see cref="IJobReadModel"/> on the <c>jobs</c> tables, with the same SQL on SQLite and PostgreSQL. Visibility is
/// part of each query: anonymous viewers see public jobs; a user sees public jobs, their own, and group jobs that
/// share a group with them; a superuser sees every job.
/// </summary>
public sealed class JobReadModel(LabDatabase database) : IJobReadModel
{
    private const string Columns =
        "j.id AS Id, j.display_id AS DisplayId, j.device AS Device, j.worker AS Worker, j.state AS State, j.health AS Health, " +
        "j.start_time AS StartTime, j.end_time AS EndTime, j.error_type AS ErrorType, j.failure_comment AS FailureComment, j.spec AS Spec";

    /// <inheritdoc />
    public async Task<JobRow?> FindAsync(long id, Viewer viewer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(viewer);
        var parameters = new DynamicParameters(new { id });
        var where = new StringBuilder("j.id = @id");
        AddVisibility(where, parameters, viewer);
        var rows = await QueryRowsAsync($"SELECT {Columns} FROM jobs j WHERE {where}", parameters, cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public async Task<Page<JobRow>> ListAsync(JobQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentOutOfRangeException.ThrowIfNegative(query.Offset, nameof(query));
        ArgumentOutOfRangeException.ThrowIfNegative(query.Limit, nameof(query));
        ArgumentOutOfRangeException.ThrowIfNegative(query.CountLimit ?? 0, nameof(query));
        var parameters = new DynamicParameters();
        var where = new StringBuilder("1 = 1");
        AddVisibility(where, parameters, query.Viewer);
        AddFilter(where, parameters, "j.state", "state", (int?)query.State);
        AddFilter(where, parameters, "j.health", "health", (int?)query.Health);
        AddFilter(where, parameters, "j.submitter", "submitter", query.Submitter);
        AddFilter(where, parameters, "j.device_type", "deviceType", query.DeviceType);
        AddFilter(where, parameters, "j.device", "device", query.Device);
        AddFilter(where, parameters, "j.health_check", "healthCheck", query.HealthCheck);
        if (query.Tag is { } tag)
        {
            // Tags are stored as a JSON array of strings: the quoted name is one element.
            where.Append(" AND j.tags LIKE @tag ESCAPE '\\'");
            parameters.Add("tag", "%" + Like(JsonSerializer.Serialize(tag, LavaJsonSerializer.Options)) + "%");
        }
        if (query.Text is { } text)
        {
            where.Append(" AND (LOWER(j.description) LIKE @text ESCAPE '\\' OR LOWER(j.submitter) LIKE @text ESCAPE '\\')");
            parameters.Add("text", "%" + Like(text.ToLowerInvariant()) + "%");
        }
        if (query.EndedSince is { } since)
        {
            where.Append(" AND j.end_time >= @since");
            parameters.Add("since", since.ToUnixTimeMilliseconds());
        }

        parameters.Add("limit", query.Limit);
        parameters.Add("offset", query.Offset);
        var rows = await QueryRowsAsync($"SELECT {Columns} FROM jobs j WHERE {where} ORDER BY j.id DESC LIMIT @limit OFFSET @offset", parameters, cancellationToken).ConfigureAwait(false);
        // A short page that is not past the end is the last one: it says how many matched without counting them again.
        if (rows.Count < query.Limit && (rows.Count > 0 || query.Offset == 0))
        {
            return new Page<JobRow>(query.Offset + rows.Count, rows);
        }

        var count = "SELECT COUNT(*) FROM jobs j WHERE " + where;
        if (query.CountLimit is { } countLimit)
        {
            // Counting stops one past the limit: enough to say "more than", without reading every match.
            count = $"SELECT COUNT(*) FROM (SELECT 1 FROM jobs j WHERE {where} LIMIT @countLimit) c";
            parameters.Add("countLimit", countLimit + 1);
        }

        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return new Page<JobRow>(await connection.ExecuteScalarAsync<long>(new CommandDefinition(count, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false), rows);
    }

    private static string Like(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    // Dapper expands a list parameter into one parameter per item on SQLite; to Npgsql it passes a native array.
    private string InList(string parameter) => database.Provider == LabDatabaseProvider.PostgreSql ? $"= ANY(@{parameter})" : $"IN @{parameter}";

    private void AddVisibility(StringBuilder where, DynamicParameters parameters, Viewer viewer)
    {
        if (viewer.IsSuperuser)
        {
            return;
        }

        if (viewer.Username is not { } username)
        {
            where.Append(" AND j.visibility = ").Append((int)JobVisibilityKind.Public);
            return;
        }

        parameters.Add("viewer", username);
        where.Append(" AND (j.visibility = ").Append((int)JobVisibilityKind.Public).Append(" OR j.submitter = @viewer");
        if (viewer.Groups.Count > 0)
        {
            parameters.Add("viewerGroups", viewer.Groups.ToArray());
            where.Append(" OR (j.visibility = ").Append((int)JobVisibilityKind.Group)
                .Append(" AND EXISTS (SELECT 1 FROM job_viewing_groups g WHERE g.job_id = j.id AND g.group_name ").Append(InList("viewerGroups")).Append("))");
        }

        where.Append(')');
    }

    private static void AddFilter<T>(StringBuilder where, DynamicParameters parameters, string column, string name, T? value)
    {
        if (value is null)
        {
            return;
        }

        where.Append(" AND ").Append(column).Append(" = @").Append(name);
        parameters.Add(name, value);
    }

    private async Task<IReadOnlyList<JobRow>> QueryRowsAsync(string sql, DynamicParameters parameters, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var rows = (await connection.QueryAsync<Row>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false)).ToList();
        if (rows.Count == 0)
        {
            return [];
        }

        var counts = (await connection.QueryAsync<OutcomeCount>(new CommandDefinition(
                $"SELECT job_id AS JobId, result AS Result, COUNT(*) AS Count FROM test_cases WHERE job_id {InList("ids")} GROUP BY job_id, result",
                new { ids = rows.Select(r => r.Id).ToArray() },
                cancellationToken: cancellationToken)).ConfigureAwait(false))
            .ToLookup(c => c.JobId);
        return [.. rows.Select(r => r.ToJobRow(Outcome(counts[r.Id])))];
    }

    private static TestOutcome Outcome(IEnumerable<OutcomeCount> counts)
    {
        var byResult = counts.ToDictionary(c => (TestResultCode)c.Result, c => (int)c.Count);
        return new TestOutcome(
            byResult.GetValueOrDefault(TestResultCode.Pass),
            byResult.GetValueOrDefault(TestResultCode.Fail),
            byResult.GetValueOrDefault(TestResultCode.Skip),
            byResult.GetValueOrDefault(TestResultCode.Unknown));
    }

    private sealed class OutcomeCount
    {
        public long JobId { get; init; }

        public long Result { get; init; }

        public long Count { get; init; }
    }

    // Dapper converts SQLite's 64-bit integers into these members; PostgreSQL's types match them already.
    private sealed class Row
    {
        public long Id { get; init; }

        public string DisplayId { get; init; } = "";

        public string? Device { get; init; }

        public string? Worker { get; init; }

        public int State { get; init; }

        public int Health { get; init; }

        public long? StartTime { get; init; }

        public long? EndTime { get; init; }

        public string ErrorType { get; init; } = "";

        public string FailureComment { get; init; } = "";

        public string Spec { get; init; } = "";

        public JobRow ToJobRow(TestOutcome tests)
        {
            var spec = JsonSerializer.Deserialize<JobSpec>(Spec, LavaJsonSerializer.Options)
                ?? throw new InvalidDataException($"job {Id} has no spec");
            return new JobRow(
                Id,
                DisplayId,
                spec.Submitter,
                spec.Description,
                spec.DeviceType,
                Device,
                Worker,
                (JobState)State,
                (JobHealth)Health,
                spec.Priority,
                spec.HealthCheck,
                spec.Tags,
                spec.Visibility,
                spec.SubmitTime,
                StartTime is { } start ? DateTimeOffset.FromUnixTimeMilliseconds(start) : null,
                EndTime is { } end ? DateTimeOffset.FromUnixTimeMilliseconds(end) : null,
                spec.Definition,
                spec.OriginalDefinition,
                spec.Group?.Id,
                ErrorType,
                FailureComment,
                tests);
        }
    }
}
