using Dapper;

namespace Lava.Actors.Lab.Store;

/// <summary><see cref="IUserPasswords"/>: the <c>password_hash</c> column of <c>users</c> (migration 6).</summary>
public sealed partial class LabStore : IUserPasswords
{
    /// <inheritdoc />
    public Task<bool> SetPasswordHashAsync(string username, string passwordHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        ArgumentException.ThrowIfNullOrEmpty(passwordHash);
        return ExecuteAsync("UPDATE users SET password_hash = @passwordHash WHERE username = @username", new { username, passwordHash }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<(ApiUser User, string? PasswordHash)?> FindPasswordHashAsync(string username, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        return RunAsync<(ApiUser, string?)?>(
            async connection => await connection.QuerySingleOrDefaultAsync<PasswordRow>(Command(
                    "SELECT username AS Username, is_superuser AS IsSuperuser, is_active AS IsActive, password_hash AS PasswordHash FROM users WHERE username = @username",
                    new { username },
                    cancellationToken)).ConfigureAwait(false) is { } row
                ? (new ApiUser(row.Username, row.IsSuperuser, row.IsActive), row.PasswordHash)
                : null,
            cancellationToken);
    }

    private sealed class PasswordRow
    {
        public string Username { get; init; } = "";

        public bool IsSuperuser { get; init; }

        public bool IsActive { get; init; }

        public string? PasswordHash { get; init; }
    }
}
