using System.Text.Json;
using Dapper;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Lab.Store;
using Lava.Actors.Wire;

namespace Lava.Actors.Jobs.ReadModels;

/// <summary>
/// <see cref="IQueuedJobs"/> on the <c>jobs</c> table: Submitted jobs, oldest first, read from their specs without the
/// definitions. A sweep reads only the ids, and the specs of the few jobs the scheduler does not hold.
/// </summary>
public sealed class QueuedJobs(LabDatabase database) : IQueuedJobs
{
    // Under SQLite's limit of bound parameters per statement, with room to spare.
    private const int IdsPerQuery = 500;

    /// <inheritdoc />
    public async Task<IReadOnlyList<long>> ListQueuedIdsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return [.. await connection.QueryAsync<long>(new CommandDefinition(
            "SELECT id FROM jobs WHERE state = @submitted",
            new { submitted = (int)JobState.Submitted },
            cancellationToken: cancellationToken)).ConfigureAwait(false)];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueuedJob>> ListQueuedAsync(IReadOnlyCollection<long>? ids = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var submitted = (int)JobState.Submitted;
        if (ids is null)
        {
            return Parse(await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT spec FROM jobs WHERE state = @submitted ORDER BY submit_time, id",
                new { submitted },
                cancellationToken: cancellationToken)).ConfigureAwait(false));
        }
        // Npgsql takes an array parameter as it is; Dapper expands it into a list for SQLite.
        var inChunk = database.Provider == LabDatabaseProvider.PostgreSql ? "= ANY(@chunk)" : "IN @chunk";
        var jobs = new List<QueuedJob>(ids.Count);
        foreach (var chunk in ids.Chunk(IdsPerQuery))
        {
            jobs.AddRange(Parse(await connection.QueryAsync<string>(new CommandDefinition(
                $"SELECT spec FROM jobs WHERE state = @submitted AND id {inChunk}",
                new { submitted, chunk },
                cancellationToken: cancellationToken)).ConfigureAwait(false)));
        }
        return [.. jobs.OrderBy(j => j.SubmitTime).ThenBy(j => j.Id)];
    }

    private static List<QueuedJob> Parse(IEnumerable<string> specs) =>
        [.. specs.Select(s => JsonSerializer.Deserialize<QueuedJob>(s, LavaJsonSerializer.Options) ?? throw new InvalidDataException("a queued job has no spec"))];
}
