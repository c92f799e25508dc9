using Lava.Actors.Lab.Store;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Lava.Actors.Tests.Lab;

/// <summary>Makes empty lab databases of one engine for one test and deletes them all when disposed.</summary>
public abstract class LabTestDatabases : IAsyncDisposable
{
    /// <summary>A new, empty database that nothing else uses.</summary>
    public abstract Task<LabDatabase> CreateAsync();

    public abstract ValueTask DisposeAsync();
}

/// <summary>SQLite files in a temporary directory of their own.</summary>
public sealed class SqliteTestDatabases : LabTestDatabases
{
    private readonly string _directory = Directory.CreateTempSubdirectory("lava-lab-").FullName;

    public override Task<LabDatabase> CreateAsync() =>
        Task.FromResult(LabDatabase.Sqlite(Path.Combine(_directory, $"lava-{Guid.NewGuid():N}.db")));

    public override ValueTask DisposeAsync()
    {
        // Pooled connections keep the files open; release them so the directory can go.
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// Databases <c>lava_lab_GUID</c> on the server in LAVA_TEST_POSTGRES (<c>./lava test</c> starts one), dropped after
/// the test. Specs marked <see cref="PostgresSpecAttribute"/> are skipped when it is unset, except with CI=true.
/// </summary>
public sealed class PostgresTestDatabases : LabTestDatabases
{
    public const string ConnectionVariable = "LAVA_TEST_POSTGRES";

    private readonly List<string> _created = [];

    public static string? ConnectionString => Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } value ? value : null;

    public static string? SkipReason => ConnectionString is null && Environment.GetEnvironmentVariable("CI") != "true"
        ? $"{ConnectionVariable} not set: PostgreSQL test skipped (with CI=true it fails instead)."
        : null;

    public override async Task<LabDatabase> CreateAsync()
    {
        var server = ConnectionString ?? throw new InvalidOperationException($"{ConnectionVariable} is not set");
        var name = $"lava_lab_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        _created.Add(name);
        return LabDatabase.PostgreSql(new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_created.Count == 0)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        foreach (var name in _created)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }
}
