using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Lava.Actors.Lab.Store;

/// <summary><see cref="IDeviceRegistry"/>: device types, their aliases, devices and their tags.</summary>
public sealed partial class LabStore : IDeviceRegistry
{
    private const string DeviceTypeColumns =
        "name AS Name, health_check_job AS HealthCheckJob, health_frequency AS HealthFrequency, " +
        "health_denominator AS HealthDenominator, disable_health_check AS DisableHealthCheck";

    private const string DeviceColumns =
        "hostname AS Hostname, device_type AS DeviceType, worker_hostname AS Worker, description AS Description, " +
        "dictionary AS Dictionary, state AS State, health AS Health";

    // SQLite's SQLITE_CONSTRAINT_FOREIGNKEY.
    private const int SqliteForeignKeyViolation = 787;

    /// <inheritdoc />
    public Task<DeviceType?> FindDeviceTypeAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        return QuerySingleAsync<DeviceTypeRow, DeviceType>($"SELECT {DeviceTypeColumns} FROM device_types WHERE name = @name", new { name }, r => r.ToDeviceType(), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DeviceType>> ListDeviceTypesAsync(CancellationToken cancellationToken = default) =>
        QueryListAsync<DeviceTypeRow, DeviceType>($"SELECT {DeviceTypeColumns} FROM device_types", null, r => r.ToDeviceType(), t => t.Name, cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryAddDeviceTypeAsync(DeviceType deviceType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deviceType);
        ArgumentException.ThrowIfNullOrEmpty(deviceType.Name);
        ArgumentNullException.ThrowIfNull(deviceType.HealthCheckJob);
        ArgumentOutOfRangeException.ThrowIfNegative(deviceType.HealthFrequency, nameof(deviceType));
        CheckDefined(deviceType.HealthDenominator);
        var parameters = new
        {
            name = deviceType.Name,
            job = deviceType.HealthCheckJob,
            frequency = deviceType.HealthFrequency,
            denominator = (int)deviceType.HealthDenominator,
            disabled = deviceType.DisableHealthCheck,
            now = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        // The primary key decides, so concurrent adds of one name (even on two masters) cannot both succeed.
        return RunAsync(
            async connection => await connection.ExecuteAsync(Command(
                "INSERT INTO device_types (name, health_check_job, health_frequency, health_denominator, disable_health_check, created_at) " +
                "VALUES (@name, @job, @frequency, @denominator, @disabled, @now) ON CONFLICT (name) DO NOTHING",
                parameters,
                cancellationToken)).ConfigureAwait(false) == 1,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<DeviceType?> UpdateDeviceTypeAsync(string name, DeviceTypeChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(change);
        if (change.HealthFrequency is { } frequency)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(frequency, nameof(change));
        }

        if (change.HealthDenominator is { } denominator)
        {
            CheckDefined(denominator);
        }

        return QuerySingleAsync<DeviceTypeRow, DeviceType>(
            "UPDATE device_types SET health_check_job = COALESCE(@job, health_check_job), health_frequency = COALESCE(@frequency, health_frequency), " +
            "health_denominator = COALESCE(@denominator, health_denominator), disable_health_check = COALESCE(@disabled, disable_health_check) " +
            $"WHERE name = @name RETURNING {DeviceTypeColumns}",
            new { name, job = change.HealthCheckJob, frequency = change.HealthFrequency, denominator = (int?)change.HealthDenominator, disabled = change.DisableHealthCheck },
            r => r.ToDeviceType(),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> TryAddDeviceTypeAliasAsync(string deviceType, string alias, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deviceType);
        ArgumentException.ThrowIfNullOrEmpty(alias);
        return RunReferencingAsync(
            async connection => await connection.ExecuteAsync(Command(
                "INSERT INTO device_type_aliases (alias, device_type) VALUES (@alias, @deviceType) ON CONFLICT (alias) DO NOTHING",
                new { alias, deviceType },
                cancellationToken)).ConfigureAwait(false) == 1,
            deviceType,
            worker: null,
            device: null,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RemoveDeviceTypeAliasAsync(string alias, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alias);
        return ExecuteAsync("DELETE FROM device_type_aliases WHERE alias = @alias", new { alias }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListDeviceTypeAliasesAsync(string deviceType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deviceType);
        return QueryListAsync<string, string>("SELECT alias FROM device_type_aliases WHERE device_type = @deviceType", new { deviceType }, a => a, a => a, cancellationToken);
    }

    /// <inheritdoc />
    public Task<Device?> FindDeviceAsync(string hostname, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        return QuerySingleAsync<DeviceRow, Device>($"SELECT {DeviceColumns} FROM devices WHERE hostname = @hostname", new { hostname }, r => r.ToDevice(), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<Device>> ListDevicesAsync(CancellationToken cancellationToken = default) =>
        QueryListAsync<DeviceRow, Device>($"SELECT {DeviceColumns} FROM devices", null, r => r.ToDevice(), d => d.Hostname, cancellationToken);

    /// <inheritdoc />
    public Task<bool> TryAddDeviceAsync(Device device, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentException.ThrowIfNullOrEmpty(device.Hostname);
        ArgumentNullException.ThrowIfNull(device.DeviceType);
        ArgumentNullException.ThrowIfNull(device.Description);
        ArgumentNullException.ThrowIfNull(device.Dictionary);
        CheckDefined(device.State);
        CheckDefined(device.Health);
        var parameters = new
        {
            hostname = device.Hostname,
            deviceType = device.DeviceType,
            worker = device.Worker,
            description = device.Description,
            dictionary = device.Dictionary,
            state = (int)device.State,
            health = (int)device.Health,
            now = _time.GetUtcNow().ToUnixTimeMilliseconds(),
        };
        return RunReferencingAsync(
            async connection => await connection.ExecuteAsync(Command(
                "INSERT INTO devices (hostname, device_type, worker_hostname, description, dictionary, state, health, created_at) " +
                "VALUES (@hostname, @deviceType, @worker, @description, @dictionary, @state, @health, @now) ON CONFLICT (hostname) DO NOTHING",
                parameters,
                cancellationToken)).ConfigureAwait(false) == 1,
            device.DeviceType,
            device.Worker,
            device: null,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<Device?> UpdateDeviceAsync(string hostname, DeviceChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        ArgumentNullException.ThrowIfNull(change);
        if (change.DetachWorker && change.Worker is not null)
        {
            throw new ArgumentException("a change cannot both set and detach the worker", nameof(change));
        }

        return RunReferencingAsync(
            async connection => (await connection.QuerySingleOrDefaultAsync<DeviceRow>(Command(
                "UPDATE devices SET device_type = COALESCE(@deviceType, device_type), " +
                "worker_hostname = CASE WHEN @detach THEN NULL ELSE COALESCE(@worker, worker_hostname) END, " +
                "description = COALESCE(@description, description), dictionary = COALESCE(@dictionary, dictionary) " +
                $"WHERE hostname = @hostname RETURNING {DeviceColumns}",
                new { hostname, deviceType = change.DeviceType, worker = change.Worker, detach = change.DetachWorker, description = change.Description, dictionary = change.Dictionary },
                cancellationToken)).ConfigureAwait(false))?.ToDevice(),
            change.DeviceType,
            change.Worker,
            device: null,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RemoveDeviceAsync(string hostname, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        return RunAsync(
            async connection =>
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await connection.ExecuteAsync(Command("DELETE FROM device_tags WHERE device_hostname = @hostname", new { hostname }, cancellationToken, transaction)).ConfigureAwait(false);
                var removed = await connection.ExecuteAsync(Command("DELETE FROM devices WHERE hostname = @hostname", new { hostname }, cancellationToken, transaction)).ConfigureAwait(false) > 0;
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return removed;
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<Device?> SetDeviceStateAsync(string hostname, DeviceState state, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        CheckDefined(state);
        return QuerySingleAsync<DeviceRow, Device>(
            $"UPDATE devices SET state = @state WHERE hostname = @hostname RETURNING {DeviceColumns}", new { hostname, state = (int)state }, r => r.ToDevice(), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Device?> SetDeviceHealthAsync(string hostname, DeviceHealth health, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        CheckDefined(health);
        return QuerySingleAsync<DeviceRow, Device>(
            $"UPDATE devices SET health = @health WHERE hostname = @hostname RETURNING {DeviceColumns}", new { hostname, health = (int)health }, r => r.ToDevice(), cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> AddDeviceTagAsync(string hostname, string tag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        ArgumentException.ThrowIfNullOrEmpty(tag);
        return RunReferencingAsync(
            async connection => await connection.ExecuteAsync(Command(
                "INSERT INTO device_tags (device_hostname, tag) VALUES (@hostname, @tag) ON CONFLICT (device_hostname, tag) DO NOTHING",
                new { hostname, tag },
                cancellationToken)).ConfigureAwait(false) == 1,
            deviceType: null,
            worker: null,
            hostname,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RemoveDeviceTagAsync(string hostname, string tag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        ArgumentNullException.ThrowIfNull(tag);
        return ExecuteAsync("DELETE FROM device_tags WHERE device_hostname = @hostname AND tag = @tag", new { hostname, tag }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListDeviceTagsAsync(string hostname, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(hostname);
        return QueryListAsync<string, string>("SELECT tag FROM device_tags WHERE device_hostname = @hostname", new { hostname }, t => t, t => t, cancellationToken);
    }

    private static void CheckDefined<TEnum>(TEnum value)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"{value} is not one of LAVA's {typeof(TEnum).Name} values ({string.Join(", ", Enum.GetNames<TEnum>())})");
        }
    }

    private static bool IsForeignKeyViolation(Exception e) =>
        e is SqliteException { SqliteExtendedErrorCode: SqliteForeignKeyViolation } or PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation };

    private Task<bool> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken) =>
        RunAsync(async connection => await connection.ExecuteAsync(Command(sql, parameters, cancellationToken)).ConfigureAwait(false) > 0, cancellationToken);

    private Task<TResult?> QuerySingleAsync<TRow, TResult>(string sql, object parameters, Func<TRow, TResult> convert, CancellationToken cancellationToken)
        where TResult : class =>
        RunAsync(
            async connection => await connection.QuerySingleOrDefaultAsync<TRow>(Command(sql, parameters, cancellationToken)).ConfigureAwait(false) is { } row ? convert(row) : null,
            cancellationToken);

    // Sorted here: ORDER BY follows the database's collation on PostgreSQL but compares bytes on SQLite.
    private Task<IReadOnlyList<TResult>> QueryListAsync<TRow, TResult>(
        string sql, object? parameters, Func<TRow, TResult> convert, Func<TResult, string> key, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<TResult>>(
            async connection => [.. (await connection.QueryAsync<TRow>(Command(sql, parameters, cancellationToken)).ConfigureAwait(false)).Select(convert).OrderBy(key, StringComparer.Ordinal)],
            cancellationToken);

    /// <summary>
    /// Runs a write that references the given device type, worker or device; when a foreign key refuses it, names
    /// the missing one in a <see cref="DeviceReferenceException"/> rather than surfacing the engine's constraint error.
    /// </summary>
    private Task<T> RunReferencingAsync<T>(
        Func<DbConnection, Task<T>> operation, string? deviceType, string? worker, string? device, CancellationToken cancellationToken) =>
        RunAsync(
            async connection =>
            {
                try
                {
                    return await operation(connection).ConfigureAwait(false);
                }
                catch (Exception e) when (IsForeignKeyViolation(e))
                {
                    (string Kind, string? Name, string Sql)[] references =
                    [
                        ("device type", deviceType, "SELECT COUNT(*) FROM device_types WHERE name = @name"),
                        ("worker", worker, "SELECT COUNT(*) FROM workers WHERE hostname = @name"),
                        ("device", device, "SELECT COUNT(*) FROM devices WHERE hostname = @name"),
                    ];
                    foreach (var (kind, name, sql) in references)
                    {
                        if (name is not null && await connection.ExecuteScalarAsync<long>(Command(sql, new { name }, cancellationToken)).ConfigureAwait(false) == 0)
                        {
                            throw new DeviceReferenceException(kind, name);
                        }
                    }

                    throw;
                }
            },
            cancellationToken);

    // Dapper converts SQLite's 64-bit integers into these members; PostgreSQL's types match them already.
    private sealed class DeviceTypeRow
    {
        public string Name { get; init; } = "";

        public string HealthCheckJob { get; init; } = "";

        public int HealthFrequency { get; init; }

        public int HealthDenominator { get; init; }

        public bool DisableHealthCheck { get; init; }

        public DeviceType ToDeviceType() => new(Name, HealthCheckJob, HealthFrequency, (HealthDenominator)HealthDenominator, DisableHealthCheck);
    }

    private sealed class DeviceRow
    {
        public string Hostname { get; init; } = "";

        public string DeviceType { get; init; } = "";

        public string? Worker { get; init; }

        public string Description { get; init; } = "";

        public string Dictionary { get; init; } = "";

        public int State { get; init; }

        public int Health { get; init; }

        public Device ToDevice() => new(Hostname, DeviceType, Worker, Description, Dictionary, (DeviceState)State, (DeviceHealth)Health);
    }
}
