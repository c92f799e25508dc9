using FluentMigrator.Runner.VersionTableInfo;

namespace Lava.Actors.Lab.Store.Migrations;

/// <summary>
/// Where FluentMigrator records the applied lab migrations: <c>lab_schema_versions</c>, not its default
/// <c>VersionInfo</c>, so that it never meets another component's table when the journal shares the database.
/// </summary>
internal sealed class LabVersionTable : IVersionTableMetaData
{
    public const string Name = "lab_schema_versions";

    public bool OwnsSchema => false;

    public string SchemaName => "";

    public string TableName => Name;

    public string ColumnName => "version";

    public string DescriptionColumnName => "description";

    public string UniqueIndexName => "lab_schema_versions_version";

    public string AppliedOnColumnName => "applied_on";

    // FluentMigrator names the primary key like the unique index, which PostgreSQL refuses (42P07).
    public bool CreateWithPrimaryKey => false;
}
