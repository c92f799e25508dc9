namespace Lava.Actors.Lab;

/// <summary>
/// The lab's users and their groups (LAVA's Django users and groups): who may see a job whose visibility names groups.
/// Tokens are added with <see cref="ITokenStore.AddTokenAsync"/>. Names match exactly. Implemented on SQLite and
/// PostgreSQL by <see cref="Store.LabStore"/>; an operation naming a missing user or group throws
/// <see cref="UserReferenceException"/> and changes nothing.
/// </summary>
public interface IUserDirectory
{
    /// <summary>Every user, ordered by name.</summary>
    Task<IReadOnlyList<ApiUser>> ListUsersAsync(CancellationToken cancellationToken = default);

    /// <summary>Makes the user a superuser or not, active or not (null: unchanged); the updated user, or null when unknown.</summary>
    Task<ApiUser?> UpdateUserAsync(string username, bool? isSuperuser, bool? isActive, CancellationToken cancellationToken = default);

    /// <summary>Adds the group; false when it exists.</summary>
    Task<bool> TryAddGroupAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Every group, ordered by name.</summary>
    Task<IReadOnlyList<string>> ListGroupsAsync(CancellationToken cancellationToken = default);

    /// <summary>Puts <paramref name="username"/> in <paramref name="group"/>; false when they were in it already.</summary>
    Task<bool> AddGroupMemberAsync(string group, string username, CancellationToken cancellationToken = default);

    /// <summary>Takes <paramref name="username"/> out of <paramref name="group"/>; false when they were not in it.</summary>
    Task<bool> RemoveGroupMemberAsync(string group, string username, CancellationToken cancellationToken = default);

    /// <summary>The members of <paramref name="group"/>, ordered; empty for an unknown group.</summary>
    Task<IReadOnlyList<string>> ListGroupMembersAsync(string group, CancellationToken cancellationToken = default);

    /// <summary>The groups <paramref name="username"/> is in, ordered.</summary>
    Task<IReadOnlyList<string>> GroupsOfAsync(string username, CancellationToken cancellationToken = default);
}

/// <summary>A user directory operation named a user or group that does not exist, so it changed nothing.</summary>
public sealed class UserReferenceException(string kind, string name) : Exception($"{kind} '{name}' does not exist")
{
    /// <summary>What was missing: "user" or "group".</summary>
    public string Kind { get; } = kind;

    /// <summary>The name that was not found.</summary>
    public string Name { get; } = name;
}
