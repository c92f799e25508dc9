using System.Text.RegularExpressions;

namespace Lava.Kernel.Persistence.Internal;

/// <summary>
/// Validated, quoted table names from <see cref="PersistenceStorageSettings"/>. Names are spliced into SQL, so
/// only plain identifiers are accepted.
/// </summary>
internal sealed partial record SqlNames(string Journal, string Metadata, string Snapshot, string Migrations, string? Schema)
{
    public static SqlNames For(PersistenceStorageSettings settings, bool withSchema)
    {
        var schema = withSchema ? Quote(settings.SchemaName) : null;
        string Table(string name) => schema is null ? Quote(name) : $"{schema}.{Quote(name)}";
        return new SqlNames(
            Table(settings.JournalTableName),
            Table(settings.MetadataTableName),
            Table(settings.SnapshotTableName),
            Table(settings.MigrationsTableName),
            schema);
    }

    private static string Quote(string identifier)
    {
        if (!Identifier().IsMatch(identifier))
        {
            throw new ArgumentException(
                $"'{identifier}' is not a valid schema or table name: use letters, digits and '_', starting with a letter or '_', at most 63 characters.");
        }
        return $"\"{identifier}\"";
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,62}$")]
    private static partial Regex Identifier();
}
