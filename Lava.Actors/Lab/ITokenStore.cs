namespace Lava.Actors.Lab;

/// <summary>A user of the HTTP and XML-RPC APIs.</summary>
/// <param name="Username">Unique login name.</param>
/// <param name="IsSuperuser">True for admins: only they may change the lab.</param>
/// <param name="IsActive">False for a disabled account, whose tokens are refused.</param>
public sealed record ApiUser(string Username, bool IsSuperuser, bool IsActive);

/// <summary>
/// Durable storage of users and their API tokens. Only hashes of tokens are stored (see <see cref="ApiTokens.Hash"/>);
/// a user may have several tokens. Implemented on SQLite and PostgreSQL by <see cref="Store.LabStore"/>.
/// </summary>
public interface ITokenStore
{
    /// <summary>The owner of the token whose hash is <paramref name="tokenHash"/>, or null if no user holds it.</summary>
    Task<ApiUser?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken = default);

    /// <summary>The user named <paramref name="username"/>, or null.</summary>
    Task<ApiUser?> FindUserAsync(string username, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates the user when missing (active, with <paramref name="isSuperuser"/>), then adds the token, in one
    /// transaction. An existing user keeps its superuser flag; adding a hash it already holds changes nothing.
    /// </summary>
    Task AddTokenAsync(string username, bool isSuperuser, string tokenHash, string description, CancellationToken cancellationToken = default);
}
