using Dapper;
using Lava.Actors.Lab.Store;

namespace Lava.Actors.Jobs.ReadModels;

/// <summary>
/// <see cref="IJobIds"/> on the <c>job_ids</c> row: one <c>UPDATE ... RETURNING</c> moves it forward under its row
/// lock, so masters sharing a PostgreSQL database (or processes sharing a SQLite file) never get the same id, and a
/// MultiNode group gets consecutive ids.
/// </summary>
public sealed class JobIds(LabDatabase database) : IJobIds
{
    /// <inheritdoc />
    public async Task<long> AllocateAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "UPDATE job_ids SET next_id = next_id + @count WHERE name = 'job' RETURNING next_id - @count",
            new { count = (long)count },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }
}
