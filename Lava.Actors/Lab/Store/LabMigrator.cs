using System.Data.Common;
using Dapper;
using FluentMigrator.Runner;
using FluentMigrator.Runner.Initialization;
using Lava.Actors.Lab.Store.Migrations;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Lava.Actors.Lab.Store;

/// <summary>
/// Applies the pending lab migrations with FluentMigrator, one process at a time: FluentMigrator reads the version
/// table before its per-migration transaction, so two unguarded runners would both apply version 1. A database that
/// has every migration already is left alone without starting FluentMigrator's runner (its services and processors
/// stayed loaded in a master for good: some 145 types and their code).
/// </summary>
internal static class LabMigrator
{
    // The key of the PostgreSQL advisory lock held while migrating ("lavalab" in ASCII); fixed forever, since
    // masters of different releases must exclude each other.
    private const long AdvisoryLockKey = 0x6C6176616C6162;

    private static readonly TimeSpan LockPollInterval = TimeSpan.FromMilliseconds(50);

    public static async Task MigrateAsync(LabDatabase database, CancellationToken cancellationToken)
    {
        if (database.Provider == LabDatabaseProvider.PostgreSql)
        {
            await using var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            // A session lock on its own connection: the runner's connection and transactions are FluentMigrator's.
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = AdvisoryLockKey }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            try
            {
                if (!await IsUpToDateAsync(connection, cancellationToken).ConfigureAwait(false)) await RunAsync(database, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key = AdvisoryLockKey }).ConfigureAwait(false);
            }
        }
        else
        {
            await using var fileLock = await LockSqliteAsync(database, cancellationToken).ConfigureAwait(false);
            bool upToDate;
            await using (var connection = await database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false))
            {
                // WAL lets readers go on while one writes; the mode is stored in the file, so once is enough.
                await connection.ExecuteAsync(new CommandDefinition("PRAGMA journal_mode = WAL", cancellationToken: cancellationToken)).ConfigureAwait(false);
                upToDate = await IsUpToDateAsync(connection, cancellationToken).ConfigureAwait(false);
            }

            if (!upToDate) await RunAsync(database, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Whether the version table lists every lab migration. No version table (a new database) or any error reading it
    /// means no: the runner then creates it or reports the error as it always did.
    /// </summary>
    internal static async Task<bool> IsUpToDateAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            var applied = await connection.QueryAsync<long>(new CommandDefinition($"SELECT version FROM {LabVersionTable.Name}", cancellationToken: cancellationToken)).ConfigureAwait(false);
            return LabMigrations.Versions.IsSubsetOf(applied);
        }
        catch (DbException)
        {
            return false;
        }
    }

    private static async Task RunAsync(LabDatabase database, CancellationToken cancellationToken)
    {
        try
        {
            // FluentMigrator is synchronous: keep its blocking I/O off the caller's thread.
            await Task.Run(() => Run(database), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (LabStoreUnavailableException.Means(e) || e.InnerException is { } inner && LabStoreUnavailableException.Means(inner))
        {
            throw new LabStoreUnavailableException(database, e);
        }
    }

    private static void Run(LabDatabase database)
    {
        using var services = new ServiceCollection()
            .AddFluentMigratorCore()
            .ConfigureRunner(runner =>
            {
                if (database.Provider == LabDatabaseProvider.PostgreSql)
                {
                    runner.AddPostgres();
                }
                else
                {
                    runner.AddSQLite();
                }

                runner.WithGlobalConnectionString(database.ConnectionString).WithVersionTable(new LabVersionTable());
            })
            .AddSingleton<IMigrationSourceItem, LabMigrations>()
            .BuildServiceProvider();
        using var scope = services.CreateScope();
        scope.ServiceProvider.GetRequiredService<IMigrationRunner>().MigrateUp();
    }

    /// <summary>
    /// An exclusive lock on <c>FILE.migrating</c> beside the database, held until disposed. .NET takes it with
    /// flock(2) for <see cref="FileShare.None"/> but cannot wait on it, hence the polling.
    /// </summary>
    private static async Task<FileStream> LockSqliteAsync(LabDatabase database, CancellationToken cancellationToken)
    {
        var path = new SqliteConnectionStringBuilder(database.ConnectionString).DataSource + ".migrating";
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (File.Exists(path))
            {
                await Task.Delay(LockPollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
