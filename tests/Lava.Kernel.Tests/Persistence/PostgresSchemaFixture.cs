using Lava.Kernel.Persistence;
using Xunit;

namespace Lava.Kernel.Tests.Persistence;

/// <summary>A schema of its own for one test class: created before its first test, dropped after its last.</summary>
public sealed class PostgresSchemaFixture : IAsyncLifetime
{
    public string SchemaName { get; } = $"lava_test_{Guid.NewGuid():N}"[..22];

    /// <summary>Settings for stores in this schema, creating the tables on first use.</summary>
    public PersistenceStorageSettings Settings =>
        new(PostgresTestEnvironment.RequireConnectionString()) { SchemaName = SchemaName, AutoInitialize = true };

    public async Task InitializeAsync()
    {
        // Absent server outside CI: the tests are skipped, and there is nothing to create.
        if (PostgresTestEnvironment.SkipReason(needsServerControl: false) is not null)
        {
            return;
        }
        await PostgresTestEnvironment.ExecuteAsync($"CREATE SCHEMA \"{SchemaName}\"");
    }

    public async Task DisposeAsync()
    {
        if (PostgresTestEnvironment.ConnectionString is not null)
        {
            await PostgresTestEnvironment.ExecuteAsync($"DROP SCHEMA IF EXISTS \"{SchemaName}\" CASCADE");
        }
    }
}
