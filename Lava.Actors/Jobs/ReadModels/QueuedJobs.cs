using System.Text.Json;
using Dapper;
using Lava.Actors.Jobs.Scheduling;
using Lava.Actors.Lab.Store;
using Lava.Actors.Wire;

namespace Lava.Actors.Jobs.ReadModels;

/// <summary>
/// <see cref="IQueuedJobs"/> on the <c>jobs</c> table: Submitted jobs, oldest first, read from their specs without the
/// definitions (the scheduler rereads the whole queue at every sweep).
/// </summary>
public sealed class QueuedJobs(LabDatabase database) : IQueuedJobs
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<QueuedJob>> ListQueuedAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var specs = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT spec FROM jobs WHERE state = @submitted ORDER BY submit_time, id",
            new { submitted = (int)JobState.Submitted },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. specs.Select(s => JsonSerializer.Deserialize<QueuedJob>(s, LavaJsonSerializer.Options) ?? throw new InvalidDataException("a queued job has no spec"))];
    }
}
