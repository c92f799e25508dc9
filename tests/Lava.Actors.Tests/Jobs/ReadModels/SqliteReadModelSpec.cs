using Lava.Actors.Lab.Store;
using Lava.Actors.Persistence;
using Microsoft.Data.Sqlite;
using Xunit;
using Xunit.Abstractions;

namespace Lava.Actors.Tests.Jobs.ReadModels;

/// <summary>The read models on a SQLite file of their own per test, shared with the journal as on a one-machine master.</summary>
public sealed class SqliteReadModelSpec : ReadModelSpec
{
    private readonly string _directory;

    public SqliteReadModelSpec(ITestOutputHelper output)
        : this(Directory.CreateTempSubdirectory("lava-readmodels-").FullName, output)
    {
    }

    private SqliteReadModelSpec(string directory, ITestOutputHelper output)
        : base(
            LabDatabase.Sqlite(Path.Combine(directory, "lava.db")),
            new LavaPersistenceOptions(PersistenceProvider.Sqlite, LabDatabase.Sqlite(Path.Combine(directory, "lava.db")).ConnectionString) { AutoInitialize = true },
            output) => _directory = directory;

    [Fact]
    public Task Life() => The_tables_must_follow_a_jobs_life_and_the_devices_state();

    [Fact]
    public Task Resume() => A_restarted_projection_must_resume_from_its_stored_offset();

    [Fact]
    public Task Visibility() => Visibility_must_be_enforced_in_the_query();

    [Fact]
    public Task Lists() => Lists_must_filter_page_newest_first_and_count_test_outcomes();

    [Fact]
    public Task LiveLists() => Lists_must_filter_by_tag_text_and_health_check_and_the_projection_must_announce_what_it_wrote();

    [Fact]
    public Task Announced() => The_projection_must_read_announced_writes_at_once_and_the_others_at_its_poll();

    [Fact]
    public Task JobIds() => Job_ids_must_be_unique_and_consecutive_per_block_across_allocators();

    [Fact]
    public Task Results() => Appending_results_must_be_idempotent_by_position();

    [Fact]
    public Task Exports() => The_exports_must_read_from_the_store_in_lavas_formats();

    [Fact]
    public Task Rebuild() => A_rebuild_must_yield_the_tables_of_the_live_projection();

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
