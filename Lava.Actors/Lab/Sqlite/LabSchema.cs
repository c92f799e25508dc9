namespace Lava.Actors.Lab.Sqlite;

/// <summary>
/// The lab database's migrations, applied in order and recorded in <c>lab_schema_migrations</c> (not the journal's
/// <c>schema_migrations</c>, since both may live in one lava.db). Never edit a released migration: append a new one.
/// Enumerations are stored as LAVA's integers, times as Unix milliseconds.
/// </summary>
internal static class LabSchema
{
    public const string CreateMigrationsTable =
        "CREATE TABLE IF NOT EXISTS lab_schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)";

    public static IReadOnlyList<(int Version, string Description, string Sql)> Migrations { get; } =
    [
        (1, "users and API tokens", """
            CREATE TABLE users (
                username TEXT PRIMARY KEY,
                is_superuser INTEGER NOT NULL,
                is_active INTEGER NOT NULL,
                created_at INTEGER NOT NULL);
            CREATE TABLE api_tokens (
                token_hash TEXT PRIMARY KEY,
                username TEXT NOT NULL REFERENCES users (username),
                description TEXT NOT NULL,
                created_at INTEGER NOT NULL);
            CREATE INDEX api_tokens_username ON api_tokens (username);
            """),
        (2, "workers", """
            CREATE TABLE workers (
                hostname TEXT PRIMARY KEY,
                description TEXT NOT NULL,
                state INTEGER NOT NULL,
                health INTEGER NOT NULL,
                enabled INTEGER NOT NULL,
                token_revoked INTEGER NOT NULL,
                token_hash TEXT NOT NULL,
                last_ping INTEGER NULL,
                job_limit INTEGER NOT NULL,
                created_at INTEGER NOT NULL);
            """),
    ];
}
