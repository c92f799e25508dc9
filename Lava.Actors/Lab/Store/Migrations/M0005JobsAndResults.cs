using FluentMigrator;

namespace Lava.Actors.Lab.Store.Migrations;

/// <summary>
/// The job read models and the results. <c>jobs</c> and <c>job_viewing_groups</c> are projections of the job
/// supervisors' journal (<c>projection_offsets</c> holds how far each projection has read it), so they can be emptied
/// and rebuilt; <c>test_suites</c> and <c>test_cases</c> are the results themselves, numbered per job by
/// <c>position</c>; <c>job_ids</c> hands out job ids. States, healths and results hold LAVA's integers; times are
/// Unix milliseconds; <c>spec</c>, <c>tags</c> and <c>extra</c> are JSON.
/// </summary>
[Migration(5, "jobs, results, projection offsets and job ids")]
internal sealed class M0005JobsAndResults : ForwardOnlyMigration
{
    public override void Up()
    {
        Create.Table("jobs")
            .WithColumn("id").AsInt64().NotNullable().PrimaryKey("jobs_pkey")
            .WithColumn("display_id").AsString().NotNullable()
            .WithColumn("submitter").AsString().NotNullable()
            .WithColumn("description").AsString().NotNullable()
            .WithColumn("device_type").AsString().NotNullable()
            .WithColumn("requested_device").AsString().Nullable()
            .WithColumn("device").AsString().Nullable()
            .WithColumn("worker").AsString().Nullable()
            .WithColumn("state").AsInt32().NotNullable()
            .WithColumn("health").AsInt32().NotNullable()
            .WithColumn("priority").AsInt32().NotNullable()
            .WithColumn("health_check").AsBoolean().NotNullable()
            .WithColumn("tags").AsString().NotNullable()
            .WithColumn("visibility").AsInt32().NotNullable()
            .WithColumn("submit_time").AsInt64().NotNullable()
            .WithColumn("start_time").AsInt64().Nullable()
            .WithColumn("end_time").AsInt64().Nullable()
            .WithColumn("group_id").AsInt64().Nullable()
            .WithColumn("error_type").AsString().NotNullable()
            .WithColumn("failure_comment").AsString().NotNullable()
            .WithColumn("spec").AsString().NotNullable();
        Create.Index("jobs_state").OnTable("jobs").OnColumn("state");
        Create.Index("jobs_health").OnTable("jobs").OnColumn("health");
        Create.Index("jobs_submitter").OnTable("jobs").OnColumn("submitter");
        Create.Index("jobs_device_type").OnTable("jobs").OnColumn("device_type");
        Create.Index("jobs_device").OnTable("jobs").OnColumn("device");
        Create.Index("jobs_end_time").OnTable("jobs").OnColumn("end_time");

        // A table rather than a list column: the visibility check joins it on the viewer's groups in SQL.
        Create.Table("job_viewing_groups")
            .WithColumn("job_id").AsInt64().NotNullable().PrimaryKey("job_viewing_groups_pkey")
            .WithColumn("group_name").AsString().NotNullable().PrimaryKey("job_viewing_groups_pkey");
        Create.Index("job_viewing_groups_group_name").OnTable("job_viewing_groups").OnColumn("group_name");

        Create.Table("test_suites")
            .WithColumn("id").AsInt64().NotNullable().PrimaryKey("test_suites_pkey").Identity()
            .WithColumn("job_id").AsInt64().NotNullable()
            .WithColumn("name").AsString().NotNullable();
        Create.UniqueConstraint("test_suites_job_id_name").OnTable("test_suites").Columns("job_id", "name");

        Create.Table("test_cases")
            .WithColumn("id").AsInt64().NotNullable().PrimaryKey("test_cases_pkey").Identity()
            .WithColumn("job_id").AsInt64().NotNullable()
            .WithColumn("position").AsInt64().NotNullable()
            .WithColumn("suite").AsString().NotNullable()
            .WithColumn("name").AsString().NotNullable()
            .WithColumn("result").AsInt32().NotNullable()
            .WithColumn("measurement").AsString().Nullable()
            .WithColumn("units").AsString().Nullable()
            .WithColumn("test_set").AsString().Nullable()
            .WithColumn("log_line").AsInt64().Nullable()
            .WithColumn("logged").AsInt64().NotNullable()
            .WithColumn("extra").AsString().Nullable();
        Create.UniqueConstraint("test_cases_job_id_position").OnTable("test_cases").Columns("job_id", "position");
        Create.Index("test_cases_job_id_suite").OnTable("test_cases").OnColumn("job_id").Ascending().OnColumn("suite").Ascending();

        Create.Table("projection_offsets")
            .WithColumn("name").AsString().NotNullable().PrimaryKey("projection_offsets_pkey")
            .WithColumn("last_ordering").AsInt64().NotNullable();

        // One row per id series, moved forward under its row lock: a block of consecutive ids (a MultiNode group)
        // in one statement on both engines, which a PostgreSQL sequence cannot promise under concurrency.
        Create.Table("job_ids")
            .WithColumn("name").AsString().NotNullable().PrimaryKey("job_ids_pkey")
            .WithColumn("next_id").AsInt64().NotNullable();
        Insert.IntoTable("job_ids").Row(new { name = "job", next_id = 1L });
    }
}
