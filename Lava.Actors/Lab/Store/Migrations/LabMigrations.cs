using FluentMigrator.Runner.Initialization;

namespace Lava.Actors.Lab.Store.Migrations;

/// <summary>
/// The lab's migrations, listed rather than scanned: FluentMigrator's assembly scan sees public types only, and a
/// list keeps any other migration in this assembly out of the lab's version table.
/// Append a class here for each new version; never edit one that was released.
/// </summary>
internal sealed class LabMigrations : IMigrationSourceItem
{
    public IEnumerable<Type> MigrationTypeCandidates { get; } =
        [typeof(M0001UsersAndApiTokens), typeof(M0002Workers), typeof(M0003DevicesAndDeviceTypes), typeof(M0004UserGroups), typeof(M0005JobsAndResults), typeof(M0006UserPasswords), typeof(M0007JobListIndex)];
}
