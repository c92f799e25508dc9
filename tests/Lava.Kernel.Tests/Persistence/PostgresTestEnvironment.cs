using System.Diagnostics;
using Npgsql;

namespace Lava.Kernel.Tests.Persistence;

/// <summary>
/// Where the PostgreSQL tests find their server. Without <c>LAVA_TEST_POSTGRES</c> they are skipped, except
/// under <c>CI=true</c> where they run and fail with a message naming the missing variable.
/// </summary>
internal static class PostgresTestEnvironment
{
    public const string ConnectionVariable = "LAVA_TEST_POSTGRES";
    public const string DataVariable = "LAVA_TEST_POSTGRES_DATA";
    public const string CtlVariable = "LAVA_TEST_POSTGRES_CTL";
    public const string UserVariable = "LAVA_TEST_POSTGRES_USER";

    public static string? ConnectionString => Variable(ConnectionVariable);

    private static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The reason to skip, or null when the test must run (variables present, or CI where absence fails).</summary>
    public static string? SkipReason(bool needsServerControl)
    {
        var missing = Missing(needsServerControl);
        return missing.Count == 0 || IsCi
            ? null
            : $"{string.Join(", ", missing)} not set: PostgreSQL test skipped (with CI=true it fails instead).";
    }

    public static string RequireConnectionString() =>
        ConnectionString ?? throw new InvalidOperationException(
            $"{ConnectionVariable} is not set: PostgreSQL tests need a connection string such as " +
            "'Host=127.0.0.1;Port=5432;Username=postgres;Database=postgres'.");

    /// <summary>Opens an unpooled connection to the test server, so that no test reuses one broken by a restart.</summary>
    public static async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(RequireConnectionString()) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync().ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs <paramref name="sql"/> on a connection of its own to the test server.</summary>
    public static async Task ExecuteAsync(string sql)
    {
        var connection = await OpenAsync().ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Stops and starts the server with pg_ctl, as the data directory's owner when running as root.</summary>
    public static PostgresServerControl RequireServerControl()
    {
        var missing = Missing(needsServerControl: true);
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"{string.Join(", ", missing)} not set: the restart test needs the data directory ({DataVariable}), " +
                $"the pg_ctl path ({CtlVariable}) and optionally the owner user ({UserVariable}).");
        }
        return new PostgresServerControl(Variable(CtlVariable)!, Variable(DataVariable)!, Variable(UserVariable), RequireConnectionString());
    }

    private static List<string> Missing(bool needsServerControl)
    {
        var names = needsServerControl ? new[] { ConnectionVariable, DataVariable, CtlVariable } : [ConnectionVariable];
        return names.Where(n => Variable(n) is null).ToList();
    }

    private static string? Variable(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : null;
}

/// <summary>Runs <c>pg_ctl stop/start</c> on the test server.</summary>
internal sealed record PostgresServerControl(string PgCtl, string DataDirectory, string? User, string ConnectionString)
{
    public Task StopAsync() => PgCtlAsync("stop", "-m", "fast", "-w");

    /// <summary>Starts the server and waits (polling, with a deadline) until it accepts connections.</summary>
    public async Task StartAsync()
    {
        await PgCtlAsync("start", "-w", "-l", Path.Combine(DataDirectory, "lava-test-restart.log")).ConfigureAwait(false);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var builder = new NpgsqlConnectionStringBuilder(ConnectionString) { Pooling = false };
        while (true)
        {
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync().ConfigureAwait(false);
                return;
            }
            catch (NpgsqlException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(100).ConfigureAwait(false);
            }
        }
    }

    private async Task PgCtlAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (User is not null && Environment.UserName != User)
        {
            start.FileName = "runuser";
            foreach (var a in new[] { "-u", User, "--", PgCtl })
            {
                start.ArgumentList.Add(a);
            }
        }
        else
        {
            start.FileName = PgCtl;
        }
        foreach (var a in new[] { "-D", DataDirectory }.Concat(arguments))
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Cannot start {start.FileName}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"pg_ctl {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output.ConfigureAwait(false)} {await error.ConfigureAwait(false)}");
        }
    }
}
