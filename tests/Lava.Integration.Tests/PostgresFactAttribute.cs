using Xunit;

namespace Lava.Integration.Tests;

/// <summary>
/// A test against the PostgreSQL server in LAVA_TEST_POSTGRES (`./lava test` starts one): skipped when it is not
/// set, except with CI=true, where the test runs and fails.
/// </summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public const string ConnectionVariable = "LAVA_TEST_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } value ? value : null;

    public override string? Skip
    {
        get => base.Skip ?? (ConnectionString is null && Environment.GetEnvironmentVariable("CI") != "true"
            ? $"{ConnectionVariable} not set: PostgreSQL test skipped (with CI=true it fails instead)."
            : null);
        set => base.Skip = value;
    }
}
