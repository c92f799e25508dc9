using FluentMigrator;

namespace Lava.Actors.Lab.Store.Migrations;

/// <summary>Groups of users, as LAVA's (Django's) groups: what a job's <c>visibility: {group: [...]}</c> names.</summary>
[Migration(4, "user groups")]
internal sealed class M0004UserGroups : ForwardOnlyMigration
{
    public override void Up()
    {
        Create.Table("user_groups")
            .WithColumn("name").AsString().NotNullable().PrimaryKey("user_groups_pkey")
            .WithColumn("created_at").AsInt64().NotNullable();

        Create.Table("user_group_members")
            .WithColumn("group_name").AsString().NotNullable().PrimaryKey("user_group_members_pkey")
                .ForeignKey("user_group_members_group_fkey", "user_groups", "name")
            .WithColumn("username").AsString().NotNullable().PrimaryKey("user_group_members_pkey")
                .ForeignKey("user_group_members_user_fkey", "users", "username");

        Create.Index("user_group_members_username").OnTable("user_group_members").OnColumn("username");
    }
}
