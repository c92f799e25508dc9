using Lava.Actors.Lab.Store;
using Lava.Actors.Persistence;
using Lava.Actors.Tests.Lab;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Jobs.ReadModels;

/// <summary>The read models on PostgreSQL: a database of their own per test, shared with the journal as on a master.</summary>
[PostgresSpec]
public sealed class PostgreSqlReadModelSpec : ReadModelSpec
{
    private readonly PostgresTestDatabases _databases;

    public PostgreSqlReadModelSpec(ITestOutputHelper output)
        : this(new PostgresTestDatabases(), output)
    {
    }

    private PostgreSqlReadModelSpec(PostgresTestDatabases databases, ITestOutputHelper output)
        : this(databases, NewDatabase(databases), output)
    {
    }

    private PostgreSqlReadModelSpec(PostgresTestDatabases databases, LabDatabase database, ITestOutputHelper output)
        : base(database, new LavaPersistenceOptions(PersistenceProvider.PostgreSql, database.ConnectionString) { AutoInitialize = true }, output) =>
        _databases = databases;

    [LabFact]
    public Task Life() => The_tables_must_follow_a_jobs_life_and_the_devices_state();

    [LabFact]
    public Task Resume() => A_restarted_projection_must_resume_from_its_stored_offset();

    [LabFact]
    public Task Visibility() => Visibility_must_be_enforced_in_the_query();

    [LabFact]
    public Task Lists() => Lists_must_filter_page_newest_first_and_count_test_outcomes();

    [LabFact]
    public Task LiveLists() => Lists_must_filter_by_tag_text_and_health_check_and_the_projection_must_announce_what_it_wrote();

    [LabFact]
    public Task Announced() => The_projection_must_read_announced_writes_at_once_and_the_others_at_its_poll();

    [LabFact]
    public Task JobIds() => Job_ids_must_be_unique_and_consecutive_per_block_across_allocators();

    [LabFact]
    public Task Results() => Appending_results_must_be_idempotent_by_position();

    [LabFact]
    public Task Exports() => The_exports_must_read_from_the_store_in_lavas_formats();

    [LabFact]
    public Task Rebuild() => A_rebuild_must_yield_the_tables_of_the_live_projection();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        _databases.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    // Without a server the facts are skipped; the constructor must still not fail.
    private static LabDatabase NewDatabase(PostgresTestDatabases databases) => PostgresTestDatabases.ConnectionString is null
        ? LabDatabase.PostgreSql("Host=127.0.0.1;Database=unused")
        : databases.CreateAsync().GetAwaiter().GetResult();
}
