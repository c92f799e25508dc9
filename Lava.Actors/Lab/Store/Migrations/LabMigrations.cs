using System.Reflection;
using FluentMigrator;
using FluentMigrator.Runner.Initialization;

namespace Lava.Actors.Lab.Store.Migrations;

/// <summary>
/// The lab's migrations, listed rather than scanned: FluentMigrator's assembly scan sees public types only, and a
/// list keeps any other migration in this assembly out of the lab's version table.
/// Append a class here for each new version; never edit one that was released.
/// </summary>
internal sealed class LabMigrations : IMigrationSourceItem
{
    public static IReadOnlyList<Type> Types { get; } =
        [typeof(M0001UsersAndApiTokens), typeof(M0002Workers), typeof(M0003DevicesAndDeviceTypes), typeof(M0004UserGroups), typeof(M0005JobsAndResults), typeof(M0006UserPasswords), typeof(M0007JobListIndex)];

    /// <summary>The version numbers of <see cref="Types"/>, from their <see cref="MigrationAttribute"/>.</summary>
    public static IReadOnlySet<long> Versions { get; } = Types.Select(t => t.GetCustomAttribute<MigrationAttribute>()!.Version).ToHashSet();

    public IEnumerable<Type> MigrationTypeCandidates => Types;
}
