namespace Lava.Actors.Lab;

/// <summary>
/// The web UI's passwords, stored as <see cref="UserPasswords"/> hashes in the <c>users</c> table. Implemented on SQLite
/// and PostgreSQL by <see cref="Store.LabStore"/>.
/// </summary>
public interface IUserPasswords
{
    /// <summary>Stores <paramref name="passwordHash"/> for the user; false when the user does not exist.</summary>
    Task<bool> SetPasswordHashAsync(string username, string passwordHash, CancellationToken cancellationToken = default);

    /// <summary>The user and their stored hash (null when they have none), or null when the user does not exist.</summary>
    Task<(ApiUser User, string? PasswordHash)?> FindPasswordHashAsync(string username, CancellationToken cancellationToken = default);
}
