using FluentMigrator;

namespace Lava.Actors.Lab.Store.Migrations;

/// <summary>
/// A password for signing in to the web UI: <see cref="UserPasswords"/>'s hash text, null for a user who signs in with
/// API tokens only.
/// </summary>
[Migration(6, "user passwords")]
internal sealed class M0006UserPasswords : ForwardOnlyMigration
{
    public override void Up() =>
        Alter.Table("users").AddColumn("password_hash").AsString().Nullable();
}
