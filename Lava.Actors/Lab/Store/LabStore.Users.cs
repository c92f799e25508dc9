using Dapper;

namespace Lava.Actors.Lab.Store;

/// <summary><see cref="IUserDirectory"/>: users and their groups.</summary>
public sealed partial class LabStore : IUserDirectory
{
    /// <inheritdoc />
    public Task<IReadOnlyList<ApiUser>> ListUsersAsync(CancellationToken cancellationToken = default) =>
        QueryListAsync<UserRow, ApiUser>("SELECT username AS Username, is_superuser AS IsSuperuser, is_active AS IsActive FROM users", null, r => r.ToUser(), u => u.Username, cancellationToken);

    /// <inheritdoc />
    public Task<ApiUser?> UpdateUserAsync(string username, bool? isSuperuser, bool? isActive, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        return QueryUserAsync(
            "UPDATE users SET is_superuser = COALESCE(@isSuperuser, is_superuser), is_active = COALESCE(@isActive, is_active) WHERE username = @username " +
            "RETURNING username AS Username, is_superuser AS IsSuperuser, is_active AS IsActive",
            new { username, isSuperuser, isActive },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> TryAddGroupAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return ExecuteAsync(
            "INSERT INTO user_groups (name, created_at) VALUES (@name, @now) ON CONFLICT (name) DO NOTHING",
            new { name, now = _time.GetUtcNow().ToUnixTimeMilliseconds() },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListGroupsAsync(CancellationToken cancellationToken = default) =>
        QueryListAsync<string, string>("SELECT name FROM user_groups", null, g => g, g => g, cancellationToken);

    /// <inheritdoc />
    public Task<bool> AddGroupMemberAsync(string group, string username, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(username);
        return RunAsync(
            async connection =>
            {
                try
                {
                    return await connection.ExecuteAsync(Command(
                        "INSERT INTO user_group_members (group_name, username) VALUES (@group, @username) ON CONFLICT (group_name, username) DO NOTHING",
                        new { group, username },
                        cancellationToken)).ConfigureAwait(false) == 1;
                }
                catch (Exception e) when (IsForeignKeyViolation(e))
                {
                    var groupExists = await connection.ExecuteScalarAsync<long>(Command("SELECT COUNT(*) FROM user_groups WHERE name = @group", new { group }, cancellationToken)).ConfigureAwait(false) > 0;
                    throw groupExists ? new UserReferenceException("user", username) : new UserReferenceException("group", group);
                }
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RemoveGroupMemberAsync(string group, string username, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(username);
        return ExecuteAsync("DELETE FROM user_group_members WHERE group_name = @group AND username = @username", new { group, username }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> ListGroupMembersAsync(string group, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(group);
        return QueryListAsync<string, string>("SELECT username FROM user_group_members WHERE group_name = @group", new { group }, u => u, u => u, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GroupsOfAsync(string username, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(username);
        return QueryListAsync<string, string>("SELECT group_name FROM user_group_members WHERE username = @username", new { username }, g => g, g => g, cancellationToken);
    }
}
