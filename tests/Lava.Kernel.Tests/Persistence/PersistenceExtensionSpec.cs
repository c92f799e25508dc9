using Lava.Kernel.Configuration;
using Lava.Kernel.Persistence;
using Lava.Kernel.Persistence.Sqlite;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Lava.Kernel.Tests.Persistence;

public sealed class PersistenceExtensionSpec : IAsyncLifetime
{
    private readonly SqliteTestDatabase _database = new();
    private ActorSystem? _system;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_system is not null)
        {
            var persistence = PersistenceExtension.Get(_system);
            await persistence.Journal.DisposeAsync();
            await persistence.SnapshotStore.DisposeAsync();
            await _system.Terminate();
        }
        _database.Delete();
    }

    [Fact]
    public async Task PersistenceExtension_must_install_the_configured_plugins_with_their_settings()
    {
        var config = ConfigFactory.ParseString($$"""
            akka.persistence {
              max-concurrent-recoveries = 7
              journal.sqlite { connection-string = "Data Source={{_database.Path}}", table-name = configured_journal }
            }
            """).WithFallback(ConfigFactory.Reference()).Resolve();
        _system = ActorSystem.Create("persistence-extension", config);

        var persistence = PersistenceExtension.Install(_system, config, TestEvents.Registry());
        var written = await persistence.Journal.WriteAsync([new AtomicWrite(new PersistentRepr("pid", 1, new Counted(1)))]);
        await persistence.SnapshotStore.SaveAsync(new SnapshotMetadata("pid", 1, default), new CounterState(1, "one"));

        Assert.IsType<SqliteJournal>(persistence.Journal);
        Assert.IsType<SqliteSnapshotStore>(persistence.SnapshotStore);
        Assert.Equal(new PersistenceSettings { MaxConcurrentRecoveries = 7 }, persistence.Settings);
        Assert.True(written[0].IsWritten, $"the write failed with {written[0].Error}");
        Assert.Equal(1, (await persistence.SnapshotStore.LoadAsync("pid", SnapshotSelectionCriteria.Latest))?.Metadata.SequenceNr);
        await using var connection = new SqliteConnection($"Data Source={_database.Path};Pooling=false");
        await connection.OpenAsync();
        await using var command = new SqliteCommand("SELECT count(*) FROM configured_journal WHERE persistence_id = 'pid'", connection);
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }
}
