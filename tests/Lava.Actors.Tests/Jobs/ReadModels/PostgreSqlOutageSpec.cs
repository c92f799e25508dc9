using Lava.Actors.Jobs;
using Lava.Actors.Jobs.ReadModels;
using Lava.Actors.Jobs.Supervision;
using Lava.Actors.Lab.Store;
using Lava.Actors.Persistence;
using Lava.Actors.Tests.Lab;
using Npgsql;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Jobs.ReadModels;

/// <summary>
/// The projection survives its database refusing connections for a while: the read tables in one database, the
/// journal in another that stays up, so events keep coming during the outage and must all arrive after it.
/// </summary>
[PostgresSpec]
public sealed class PostgreSqlOutageSpec : ReadModelSpec
{
    private readonly PostgresTestDatabases _databases;
    private readonly string _readDatabase;

    public PostgreSqlOutageSpec(ITestOutputHelper output)
        : this(new PostgresTestDatabases(), output)
    {
    }

    private PostgreSqlOutageSpec(PostgresTestDatabases databases, ITestOutputHelper output)
        : this(databases, NewDatabase(databases), NewDatabase(databases), output)
    {
    }

    private PostgreSqlOutageSpec(PostgresTestDatabases databases, LabDatabase read, LabDatabase journal, ITestOutputHelper output)
        : base(read, new LavaPersistenceOptions(PersistenceProvider.PostgreSql, journal.ConnectionString) { AutoInitialize = true }, output)
    {
        _databases = databases;
        _readDatabase = new NpgsqlConnectionStringBuilder(read.ConnectionString).Database ?? "";
    }

    [LabFact]
    public async Task The_projection_must_catch_up_after_its_database_was_unreachable()
    {
        await StartProjectionAsync();
        await PersistAsync(new JobSubmitted(1, Spec(1)));
        await AwaitJobAsync(1, r => r.State == JobState.Submitted);

        await OnServerAsync($"ALTER DATABASE {_readDatabase} ALLOW_CONNECTIONS false");
        await OnServerAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{_readDatabase}'");
        await EventFilter.Custom(e => e.Message?.ToString()?.Contains("could not read the journal or write the tables", StringComparison.Ordinal) == true)
            .ExpectAsync(1, TimeSpan.FromSeconds(30), () => PersistAsync(new JobSubmitted(2, Spec(2)), new JobFinished(1, JobHealth.Complete, "", "", Start.AddMinutes(3))));
        await Assert.ThrowsAnyAsync<Exception>(() => ReadModel.FindAsync(2, Viewer.Anonymous));

        await OnServerAsync($"ALTER DATABASE {_readDatabase} ALLOW_CONNECTIONS true");

        await AwaitJobAsync(2, r => r.State == JobState.Submitted);
        await AwaitJobAsync(1, r => r.State == JobState.Finished);
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        _databases.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    private static async Task OnServerAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresTestDatabases.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static LabDatabase NewDatabase(PostgresTestDatabases databases) => PostgresTestDatabases.ConnectionString is null
        ? LabDatabase.PostgreSql("Host=127.0.0.1;Database=unused")
        : databases.CreateAsync().GetAwaiter().GetResult();
}
