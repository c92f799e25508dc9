using Lava.Kernel.Persistence;
using Lava.Kernel.Persistence.Sqlite;

namespace Lava.Kernel.Tests.Persistence;

/// <summary>A fresh database file per test, deleted afterwards.</summary>
internal sealed class SqliteTestDatabase
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"lava-test-{Guid.NewGuid():N}.db");

    public PersistenceStorageSettings Settings => new($"Data Source={Path}") { AutoInitialize = true };

    public void Delete()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(Path + suffix);
        }
    }
}

public sealed class SqliteJournalSpec : JournalConformanceSpec
{
    private readonly SqliteTestDatabase _database = new();

    protected override IJournal CreateJournal(EventRegistry registry) => new SqliteJournal(_database.Settings, registry);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Delete();
    }
}

public sealed class SqliteSnapshotStoreSpec : SnapshotStoreConformanceSpec
{
    private readonly SqliteTestDatabase _database = new();

    protected override ISnapshotStore CreateStore(EventRegistry registry) => new SqliteSnapshotStore(_database.Settings, registry);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _database.Delete();
    }
}
