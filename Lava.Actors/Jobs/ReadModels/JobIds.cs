using Dapper;
using Lava.Actors.Lab.Store;

namespace Lava.Actors.Jobs.ReadModels;

/// <summary>
/// <see cref="IJobIds"/> on the <c>job_ids</c> row: one <c>UPDATE ... RETURNING</c> moves it forward under its row
/// lock, so masters sharing a PostgreSQL database (or processes sharing a SQLite file) never get the same id, and a
/// MultiNode group gets consecutive ids. Ids are taken from the row <c>blockSize</c> at a time and handed out from
/// memory, so a burst of submissions costs one database write per block; the ids left in a block when the master
/// stops are never used (ids grow, with gaps).
/// </summary>
public sealed class JobIds(LabDatabase database, int blockSize = 1) : IJobIds
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private long _next;
    private long _end;

    /// <inheritdoc />
    public async Task<long> AllocateAsync(int count, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_end - _next < count)
            {
                var size = Math.Max(blockSize, count);
                _next = await ReserveAsync(size, cancellationToken).ConfigureAwait(false);
                _end = _next + size;
            }
            var first = _next;
            _next += count;
            return first;
        }
        finally
        {
            _lock.Release();
        }
    }

    private async Task<long> ReserveAsync(long count, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "UPDATE job_ids SET next_id = next_id + @count WHERE name = 'job' RETURNING next_id - @count",
            new { count },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }
}
