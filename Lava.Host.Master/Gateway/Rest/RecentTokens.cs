using System.Collections.Concurrent;
using Lava.Actors.Lab;

namespace Lava.Host.Master.Gateway.Rest;

/// <summary>
/// The owners of API tokens as the <see cref="ITokenStore"/> gave them at most <c>maxAge</c> ago, so that a client
/// sending requests back to back costs one store lookup per <c>maxAge</c> instead of one per request. A revoked token,
/// or a change to its user (deactivated, superuser flag), takes effect within <c>maxAge</c>, on every master sharing
/// the store. A token nobody holds is not remembered: each request with it is looked up. Thread-safe.
/// </summary>
internal sealed class RecentTokens(ITokenStore store, TimeProvider time, TimeSpan maxAge)
{
    // More tokens than a lab has clients; past it the entries are dropped at once rather than aged one by one.
    private const int Capacity = 1024;

    private readonly ConcurrentDictionary<string, (ApiUser User, DateTimeOffset Until)> _owners = new(StringComparer.Ordinal);

    /// <summary>The user holding <paramref name="token"/> (as sent, not hashed), or null when nobody holds it.</summary>
    public async Task<ApiUser?> FindAsync(string token, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (_owners.TryGetValue(token, out var known) && now < known.Until)
        {
            return known.User;
        }
        var user = await store.FindByTokenHashAsync(ApiTokens.Hash(token), cancellationToken);
        if (user is null)
        {
            _owners.TryRemove(token, out _);
            return null;
        }
        if (_owners.Count >= Capacity)
        {
            _owners.Clear();
        }
        _owners[token] = (user, now + maxAge);
        return user;
    }
}
