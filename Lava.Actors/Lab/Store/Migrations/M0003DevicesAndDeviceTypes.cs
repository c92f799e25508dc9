using FluentMigrator;

namespace Lava.Actors.Lab.Store.Migrations;

/// <summary>
/// Device types with their aliases, and devices with their tags. <c>health_denominator</c>, <c>state</c> and
/// <c>health</c> hold LAVA's integers; a device's worker is null when it has none; times are Unix milliseconds.
/// </summary>
[Migration(3, "device types and devices")]
internal sealed class M0003DevicesAndDeviceTypes : ForwardOnlyMigration
{
    public override void Up()
    {
        Create.Table("device_types")
            .WithColumn("name").AsString().NotNullable().PrimaryKey("device_types_pkey")
            .WithColumn("health_check_job").AsString().NotNullable()
            .WithColumn("health_frequency").AsInt32().NotNullable()
            .WithColumn("health_denominator").AsInt32().NotNullable()
            .WithColumn("disable_health_check").AsBoolean().NotNullable()
            .WithColumn("created_at").AsInt64().NotNullable();

        Create.Table("device_type_aliases")
            .WithColumn("alias").AsString().NotNullable().PrimaryKey("device_type_aliases_pkey")
            .WithColumn("device_type").AsString().NotNullable().ForeignKey("device_type_aliases_device_type_fkey", "device_types", "name");
        Create.Index("device_type_aliases_device_type").OnTable("device_type_aliases").OnColumn("device_type");

        Create.Table("devices")
            .WithColumn("hostname").AsString().NotNullable().PrimaryKey("devices_pkey")
            .WithColumn("device_type").AsString().NotNullable().ForeignKey("devices_device_type_fkey", "device_types", "name")
            .WithColumn("worker_hostname").AsString().Nullable().ForeignKey("devices_worker_hostname_fkey", "workers", "hostname")
            .WithColumn("description").AsString().NotNullable()
            .WithColumn("dictionary").AsString().NotNullable()
            .WithColumn("state").AsInt32().NotNullable()
            .WithColumn("health").AsInt32().NotNullable()
            .WithColumn("created_at").AsInt64().NotNullable();
        Create.Index("devices_device_type").OnTable("devices").OnColumn("device_type");
        Create.Index("devices_worker_hostname").OnTable("devices").OnColumn("worker_hostname");

        Create.Table("device_tags")
            .WithColumn("device_hostname").AsString().NotNullable().PrimaryKey("device_tags_pkey")
                .ForeignKey("device_tags_device_hostname_fkey", "devices", "hostname")
            .WithColumn("tag").AsString().NotNullable().PrimaryKey("device_tags_pkey");
    }
}
