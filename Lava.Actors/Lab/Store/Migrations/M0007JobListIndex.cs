using FluentMigrator;

namespace Lava.Actors.Lab.Store.Migrations;

/// <summary>
/// The job list's index: every list filters on <c>visibility</c> (anonymous viewers see public jobs only) and orders
/// by <c>id</c> newest first, so one index serves the filter, the order and the count without reading the rows.
/// </summary>
[Migration(7, "job list index on visibility and id")]
internal sealed class M0007JobListIndex : ForwardOnlyMigration
{
    public override void Up() =>
        Create.Index("jobs_visibility_id").OnTable("jobs").OnColumn("visibility").Ascending().OnColumn("id").Descending();
}
