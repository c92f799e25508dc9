using Lava.Kernel.Persistence.Internal;
using Microsoft.Extensions.Logging;
using Npgsql;
using static Lava.Kernel.Persistence.PostgreSql.PostgreSqlCommands;

namespace Lava.Kernel.Persistence.PostgreSql;

/// <summary>
/// What the PostgreSQL journal and snapshot store share: the connection pool, the schema migration on first use,
/// and the mapping of connection failures to <see cref="PersistenceStoreUnavailableException"/>.
/// </summary>
internal sealed class PostgreSqlStore : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger _logger;
    private readonly RetryingInitializer _initializer;

    public PostgreSqlStore(PersistenceStorageSettings settings, string applicationName, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings;
        Names = SqlNames.For(settings, withSchema: true);
        _logger = logger;

        var builder = new NpgsqlDataSourceBuilder(settings.ConnectionString);
        builder.ConnectionStringBuilder.CommandTimeout = (int)Math.Ceiling(settings.CommandTimeout.TotalSeconds);
        builder.ConnectionStringBuilder.ApplicationName ??= applicationName;
        Endpoint = PostgreSqlCommands.Endpoint(builder.ConnectionStringBuilder);
        _dataSource = builder.Build();
        _initializer = new RetryingInitializer(ct => PostgreSqlMigrations.ApplyAsync(this, _logger, ct));
    }

    public PersistenceStorageSettings Settings { get; }

    public SqlNames Names { get; }

    /// <summary>Names the server in errors, e.g. <c>PostgreSQL at 127.0.0.1:5432</c>.</summary>
    public string Endpoint { get; }

    /// <summary>Opens a pooled connection, after the schema is migrated when auto-initialize is on.</summary>
    public async Task<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        if (Settings.AutoInitialize)
        {
            await _initializer.EnsureAsync(cancellationToken).ConfigureAwait(false);
        }
        return await OpenWithoutMigrationAsync(cancellationToken).ConfigureAwait(false);
    }

    public ValueTask<NpgsqlConnection> OpenWithoutMigrationAsync(CancellationToken cancellationToken) =>
        _dataSource.OpenConnectionAsync(cancellationToken);

    /// <summary>
    /// Runs <paramref name="operation"/> on a pooled connection and maps connection failures to
    /// <see cref="PersistenceStoreUnavailableException"/>. A server restart breaks every idle pooled connection
    /// and Npgsql only notices on use, so on a connection failure the pool is emptied and the operation runs once
    /// more on a fresh connection. That is safe for every operation here: a journal insert that did commit before
    /// the failure meets the unique constraint on the retry (a conflict, never a duplicate); deletes and the
    /// snapshot upsert are idempotent; replay retries only while <paramref name="canRetry"/> says nothing was
    /// handed out yet.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> operation, CancellationToken cancellationToken, Func<bool>? canRetry = null)
    {
        try
        {
            return await RunOnceAsync(operation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionFailure(e) && (canRetry?.Invoke() ?? true))
        {
            _dataSource.Clear();
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            throw Unavailable(e);
        }

        try
        {
            return await RunOnceAsync(operation, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            throw Unavailable(e);
        }
    }

    public async Task RunAsync(Func<NpgsqlConnection, Task> operation, CancellationToken cancellationToken) =>
        await RunAsync<bool>(async c => { await operation(c).ConfigureAwait(false); return true; }, cancellationToken).ConfigureAwait(false);

    /// <summary>Maps <paramref name="error"/> to <see cref="PersistenceStoreUnavailableException"/> when it means the server is unreachable.</summary>
    public Exception Translate(Exception error) => IsConnectionFailure(error) ? Unavailable(error) : error;

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private async Task<T> RunOnceAsync<T>(Func<NpgsqlConnection, Task<T>> operation, CancellationToken cancellationToken)
    {
        var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            return await operation(connection).ConfigureAwait(false);
        }
    }

    private PersistenceStoreUnavailableException Unavailable(Exception error)
    {
        PersistenceLog.StoreUnavailable(_logger, error, Endpoint);
        _dataSource.Clear();
        return new PersistenceStoreUnavailableException(Endpoint, error);
    }
}
