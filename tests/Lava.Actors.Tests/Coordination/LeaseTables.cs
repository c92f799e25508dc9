using Lava.Actors.Coordination;
using Lava.Actors.Tests.Persistence;
using Npgsql;

namespace Lava.Actors.Tests.Coordination;

/// <summary>Reads the lease tables of a test database directly, and gives the short lease timings of the tests.</summary>
internal static class LeaseTables
{
    public static PostgreSqlLeaseOption Option(string connectionString, string schema) => new()
    {
        ConnectionString = connectionString,
        SchemaName = schema,
        HeartbeatTimeout = TimeSpan.FromSeconds(4),
        HeartbeatInterval = TimeSpan.FromMilliseconds(300),
        SafetyMargin = TimeSpan.FromSeconds(1.5),
    };

    public static async Task<LeaseRow?> RowAsync(PostgresTestDatabase database, string schema, string name)
    {
        await using var connection = await database.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT owner, acquired_at, renewed_at, expires_at FROM \"{schema}\".lava_lease WHERE name = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync()
            ? new LeaseRow(reader.GetString(0), reader.GetDateTime(1), reader.GetDateTime(2), reader.GetDateTime(3))
            : null;
    }

    public static async Task<List<HistoryRow>> HistoryAsync(PostgresTestDatabase database, string schema, string name)
    {
        await using var connection = await database.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"SELECT owner, acquired_at, released_at, release_reason FROM \"{schema}\".lava_lease_history WHERE name = $1 ORDER BY acquired_at", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = name });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<HistoryRow>();
        while (await reader.ReadAsync())
        {
            rows.Add(new HistoryRow(reader.GetString(0), reader.GetDateTime(1),
                reader.IsDBNull(2) ? null : reader.GetDateTime(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }
        return rows;
    }

    public static async Task<DateTime> ServerNowAsync(PostgresTestDatabase database)
    {
        await using var connection = await database.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT clock_timestamp()", connection);
        return (DateTime)(await command.ExecuteScalarAsync())!;
    }

    internal sealed record LeaseRow(string Owner, DateTime AcquiredAt, DateTime RenewedAt, DateTime ExpiresAt);

    internal sealed record HistoryRow(string Owner, DateTime AcquiredAt, DateTime? ReleasedAt, string? ReleaseReason);
}
