using FluentMigrator;

namespace Lava.Actors.Lab.Store.Migrations;

/// <summary>Users of the APIs and the SHA-256 hashes of their tokens; times are Unix milliseconds.</summary>
[Migration(1, "users and API tokens")]
internal sealed class M0001UsersAndApiTokens : ForwardOnlyMigration
{
    public override void Up()
    {
        Create.Table("users")
            .WithColumn("username").AsString().NotNullable().PrimaryKey("users_pkey")
            .WithColumn("is_superuser").AsBoolean().NotNullable()
            .WithColumn("is_active").AsBoolean().NotNullable()
            .WithColumn("created_at").AsInt64().NotNullable();

        Create.Table("api_tokens")
            .WithColumn("token_hash").AsString().NotNullable().PrimaryKey("api_tokens_pkey")
            .WithColumn("username").AsString().NotNullable().ForeignKey("api_tokens_username_fkey", "users", "username")
            .WithColumn("description").AsString().NotNullable()
            .WithColumn("created_at").AsInt64().NotNullable();

        Create.Index("api_tokens_username").OnTable("api_tokens").OnColumn("username");
    }
}
