using Lava.Actors.Lab;
using Lava.Host.Master.Gateway.Rest;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Lava.Host.Master.Tests;

public sealed class RecentTokensSpec
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);
    private readonly Tokens _store = new();
    private readonly FakeTimeProvider _time = new();
    private readonly RecentTokens _recent;

    public RecentTokensSpec() => _recent = new RecentTokens(_store, _time, Bound);

    [Fact]
    public async Task A_token_must_be_looked_up_once_within_the_bound()
    {
        var token = _store.Add(new ApiUser("alice", IsSuperuser: false, IsActive: true));

        Assert.Equal("alice", (await _recent.FindAsync(token))?.Username);
        _time.Advance(Bound - TimeSpan.FromMilliseconds(1));
        Assert.Equal("alice", (await _recent.FindAsync(token))?.Username);

        Assert.Equal(1, _store.Lookups);
    }

    [Fact]
    public async Task A_revoked_token_must_be_refused_once_the_bound_has_passed()
    {
        var token = _store.Add(new ApiUser("alice", IsSuperuser: false, IsActive: true));
        Assert.NotNull(await _recent.FindAsync(token));

        _store.Revoke(token);
        _time.Advance(Bound);

        Assert.Null(await _recent.FindAsync(token));
        Assert.Null(await _recent.FindAsync(token));
        Assert.Equal(3, _store.Lookups);
    }

    [Fact]
    public async Task A_deactivated_user_must_be_seen_once_the_bound_has_passed()
    {
        var token = _store.Add(new ApiUser("alice", IsSuperuser: true, IsActive: true));
        Assert.True((await _recent.FindAsync(token))!.IsActive);

        _store.Replace(token, new ApiUser("alice", IsSuperuser: false, IsActive: false));
        _time.Advance(Bound);

        Assert.Equal(new ApiUser("alice", IsSuperuser: false, IsActive: false), await _recent.FindAsync(token));
    }

    [Fact]
    public async Task An_unknown_token_must_be_looked_up_every_time()
    {
        var token = ApiTokens.Generate();

        Assert.Null(await _recent.FindAsync(token));
        var holder = _store.AddAs(token, new ApiUser("bob", IsSuperuser: false, IsActive: true));

        Assert.Equal(holder, await _recent.FindAsync(token));
        Assert.Equal(2, _store.Lookups);
    }

    /// <summary>Tokens by hash in memory, counting lookups.</summary>
    private sealed class Tokens : ITokenStore
    {
        private readonly Dictionary<string, ApiUser> _byHash = [];

        public int Lookups { get; private set; }

        public string Add(ApiUser user)
        {
            var token = ApiTokens.Generate();
            AddAs(token, user);
            return token;
        }

        public ApiUser AddAs(string token, ApiUser user) => _byHash[ApiTokens.Hash(token)] = user;

        public void Revoke(string token) => _byHash.Remove(ApiTokens.Hash(token));

        public void Replace(string token, ApiUser user) => _byHash[ApiTokens.Hash(token)] = user;

        public Task<ApiUser?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken = default)
        {
            Lookups++;
            return Task.FromResult(_byHash.GetValueOrDefault(tokenHash));
        }

        public Task<ApiUser?> FindUserAsync(string username, CancellationToken cancellationToken = default) =>
            Task.FromResult(_byHash.Values.FirstOrDefault(u => u.Username == username));

        public Task AddTokenAsync(string username, bool isSuperuser, string tokenHash, string description, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException("not needed here");
    }
}
