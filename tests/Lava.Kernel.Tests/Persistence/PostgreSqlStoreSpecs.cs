using Lava.Kernel.Persistence;
using Lava.Kernel.Persistence.PostgreSql;
using Xunit;

namespace Lava.Kernel.Tests.Persistence;

[RequiresPostgres]
public sealed class PostgreSqlJournalSpec(PostgresSchemaFixture schema) : JournalConformanceSpec, IClassFixture<PostgresSchemaFixture>
{
    protected override IJournal CreateJournal(EventRegistry registry) => new PostgreSqlJournal(schema.Settings, registry);
}

[RequiresPostgres]
public sealed class PostgreSqlSnapshotStoreSpec(PostgresSchemaFixture schema) : SnapshotStoreConformanceSpec, IClassFixture<PostgresSchemaFixture>
{
    protected override ISnapshotStore CreateStore(EventRegistry registry) => new PostgreSqlSnapshotStore(schema.Settings, registry);
}
