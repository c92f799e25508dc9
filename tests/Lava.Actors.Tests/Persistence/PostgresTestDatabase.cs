using Npgsql;
using Xunit;

namespace Lava.Actors.Tests.Persistence;

/// <summary>
/// A test that needs the PostgreSQL server named by <c>LAVA_TEST_POSTGRES</c>: skipped when it is unset, except
/// under <c>CI=true</c>, where it runs and fails.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresTestDatabase.ServerConnectionString is null && Environment.GetEnvironmentVariable("CI") != "true")
        {
            Skip = "LAVA_TEST_POSTGRES is not set";
        }
    }
}

/// <summary>
/// A database of its own for one test class, created on the server of <c>LAVA_TEST_POSTGRES</c> and dropped
/// afterwards, so parallel test classes never see each other's rows.
/// </summary>
public sealed class PostgresTestDatabase : IAsyncLifetime
{
    private string? _connectionString;

    public static string? ServerConnectionString => Environment.GetEnvironmentVariable("LAVA_TEST_POSTGRES") is { Length: > 0 } value ? value : null;

    public string Name { get; } = $"lava_test_{Guid.NewGuid():N}";

    /// <summary>The connection string of this class's database.</summary>
    public string ConnectionString => _connectionString
        ?? throw new InvalidOperationException("LAVA_TEST_POSTGRES is not set: an Npgsql connection string of a server where the tests may create databases.");

    public async Task InitializeAsync()
    {
        if (ServerConnectionString is not { } server)
        {
            return;
        }
        await ExecuteOnServerAsync(server, $"CREATE DATABASE \"{Name}\"");
        _connectionString = new NpgsqlConnectionStringBuilder(server) { Database = Name, Pooling = true }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (_connectionString is null || ServerConnectionString is not { } server)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        await ExecuteOnServerAsync(server, $"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)");
    }

    /// <summary>Runs <paramref name="sql"/> in this class's database.</summary>
    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Opens a connection to this class's database.</summary>
    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteOnServerAsync(string server, string sql)
    {
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
