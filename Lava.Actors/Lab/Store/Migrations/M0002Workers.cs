using FluentMigrator;

namespace Lava.Actors.Lab.Store.Migrations;

/// <summary>
/// The workers, admitted by certificate: <c>certificate_thumbprint</c> is the upper-case hex SHA-256 of the DER of
/// the current one, empty until one is issued. <c>state</c> and <c>health</c> hold LAVA's integers; times are Unix
/// milliseconds.
/// </summary>
[Migration(2, "workers")]
internal sealed class M0002Workers : ForwardOnlyMigration
{
    public override void Up() =>
        Create.Table("workers")
            .WithColumn("hostname").AsString().NotNullable().PrimaryKey("workers_pkey")
            .WithColumn("description").AsString().NotNullable()
            .WithColumn("state").AsInt32().NotNullable()
            .WithColumn("health").AsInt32().NotNullable()
            .WithColumn("enabled").AsBoolean().NotNullable()
            .WithColumn("revoked").AsBoolean().NotNullable()
            .WithColumn("certificate_thumbprint").AsString().NotNullable()
            .WithColumn("last_ping").AsInt64().Nullable()
            .WithColumn("job_limit").AsInt32().NotNullable()
            .WithColumn("created_at").AsInt64().NotNullable();
}
