using System.Data.Common;
using System.Runtime.CompilerServices;
using Lava.Actors.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Lava.Actors.Lab.Store;

/// <summary>The database engines that can hold the lab's tables.</summary>
public enum LabDatabaseProvider
{
    /// <summary>One SQLite file in WAL mode: the embedded default for a single-machine lab.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database, which several masters can share.</summary>
    PostgreSql,
}

/// <summary>
/// Where the lab's tables live: an engine and a connection string. Opens pooled connections, so one instance is
/// shared by the whole process. <see cref="ToString"/> leaves out any password.
/// </summary>
public sealed class LabDatabase
{
    private readonly string _display;

    private LabDatabase(LabDatabaseProvider provider, string connectionString, string display)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _display = display;
    }

    /// <summary>The engine.</summary>
    public LabDatabaseProvider Provider { get; }

    /// <summary>The ADO.NET connection string of <see cref="Provider"/>'s driver (Microsoft.Data.Sqlite or Npgsql).</summary>
    public string ConnectionString { get; }

    /// <summary>
    /// The SQLite file at <paramref name="path"/> (created when missing), with pooled connections and foreign keys
    /// on; <see cref="LabStore.OpenAsync"/> switches the file to WAL mode, which then persists in it.
    /// </summary>
    public static LabDatabase Sqlite(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = 30, // also how long a writer waits for another one's lock (see SqliteBusyWait)
        }.ToString();
        return new LabDatabase(LabDatabaseProvider.Sqlite, connectionString, $"SQLite {path}");
    }

    /// <summary>The PostgreSQL database that the Npgsql <paramref name="connectionString"/> names.</summary>
    /// <exception cref="ArgumentException">The connection string does not parse.</exception>
    public static LabDatabase PostgreSql(string connectionString)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return new LabDatabase(LabDatabaseProvider.PostgreSql, builder.ConnectionString, $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}");
    }

    /// <summary>A new open connection; the caller disposes it, which returns it to the pool.</summary>
    /// <exception cref="LabStoreUnavailableException">PostgreSQL cannot be reached.</exception>
    public async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = Provider == LabDatabaseProvider.Sqlite ? new SqliteConnection(ConnectionString) : PostgreSqlConnection();
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (Provider == LabDatabaseProvider.Sqlite) await SqliteBusyWait.ApplyAsync(connection, cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (Exception e) when (LabStoreUnavailableException.Means(e))
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new LabStoreUnavailableException(this, e);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // A method of its own: a SQLite lab never loads Npgsql, which the JIT would load to compile a method naming it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private DbConnection PostgreSqlConnection() => new NpgsqlConnection(ConnectionString);

    /// <summary>The engine and where the database is, without credentials.</summary>
    public override string ToString() => _display;
}
