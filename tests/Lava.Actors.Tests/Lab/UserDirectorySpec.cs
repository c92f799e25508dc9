using Lava.Actors.Lab;
using Lava.Actors.Lab.Store;
using Xunit;

namespace Lava.Actors.Tests.Lab;

/// <summary>The user directory's contract over a real lab store, run on each engine by the subclasses at the end.</summary>
public abstract class UserDirectorySpec(LabTestDatabases databases) : IAsyncLifetime
{
    private LabStore _store = null!;

    public async Task InitializeAsync() => _store = await LabStore.OpenAsync(await databases.CreateAsync());

    public async Task DisposeAsync() => await databases.DisposeAsync();

    [LabFact]
    public async Task Groups_must_hold_their_members_and_each_user_know_their_groups()
    {
        await _store.AddTokenAsync("alice", false, ApiTokens.Hash("a"), "test");
        await _store.AddTokenAsync("bob", false, ApiTokens.Hash("b"), "test");
        Assert.True(await _store.TryAddGroupAsync("lab"));
        Assert.True(await _store.TryAddGroupAsync("kernel"));
        Assert.False(await _store.TryAddGroupAsync("lab"));

        Assert.True(await _store.AddGroupMemberAsync("lab", "alice"));
        Assert.True(await _store.AddGroupMemberAsync("kernel", "alice"));
        Assert.True(await _store.AddGroupMemberAsync("lab", "bob"));
        Assert.False(await _store.AddGroupMemberAsync("lab", "bob"));

        Assert.Equal(["kernel", "lab"], await _store.GroupsOfAsync("alice"));
        Assert.Equal(["alice", "bob"], await _store.ListGroupMembersAsync("lab"));
        Assert.True(await _store.RemoveGroupMemberAsync("lab", "bob"));
        Assert.False(await _store.RemoveGroupMemberAsync("lab", "bob"));
        Assert.Empty(await _store.GroupsOfAsync("bob"));
        Assert.Equal(["kernel", "lab"], await _store.ListGroupsAsync());
    }

    [LabFact]
    public async Task A_member_of_a_missing_group_or_a_missing_user_must_be_refused_naming_it()
    {
        await _store.AddTokenAsync("alice", false, ApiTokens.Hash("a"), "test");
        await _store.TryAddGroupAsync("lab");

        var noGroup = await Assert.ThrowsAsync<UserReferenceException>(() => _store.AddGroupMemberAsync("ghosts", "alice"));
        var noUser = await Assert.ThrowsAsync<UserReferenceException>(() => _store.AddGroupMemberAsync("lab", "casper"));

        Assert.Equal(("group", "ghosts"), (noGroup.Kind, noGroup.Name));
        Assert.Equal(("user", "casper"), (noUser.Kind, noUser.Name));
        Assert.Empty(await _store.ListGroupMembersAsync("lab"));
    }

    [LabFact]
    public async Task Users_must_list_and_update_their_flags()
    {
        await _store.AddTokenAsync("bob", false, ApiTokens.Hash("b"), "test");
        await _store.AddTokenAsync("alice", true, ApiTokens.Hash("a"), "test");

        Assert.Equal(new ApiUser("bob", true, false), await _store.UpdateUserAsync("bob", isSuperuser: true, isActive: false));
        Assert.Null(await _store.UpdateUserAsync("nobody", true, null));
        Assert.Equal([new ApiUser("alice", true, true), new ApiUser("bob", true, false)], await _store.ListUsersAsync());
    }

    [LabFact]
    public async Task A_password_must_be_stored_as_a_hash_that_verifies_only_the_password()
    {
        await _store.AddTokenAsync("alice", false, ApiTokens.Hash("a"), "test");
        Assert.Equal((new ApiUser("alice", false, true), (string?)null), await _store.FindPasswordHashAsync("alice"));
        Assert.Null(await _store.FindPasswordHashAsync("nobody"));
        Assert.False(await _store.SetPasswordHashAsync("nobody", UserPasswords.Hash("whatever")));

        Assert.True(await _store.SetPasswordHashAsync("alice", UserPasswords.Hash("open sesame")));
        var (user, hash) = (await _store.FindPasswordHashAsync("alice"))!.Value;
        Assert.Equal("alice", user.Username);
        Assert.DoesNotContain("open sesame", hash);
        Assert.True(UserPasswords.Verify("open sesame", hash));
        Assert.False(UserPasswords.Verify("open sesame!", hash));
        Assert.False(UserPasswords.Verify("open sesame", "pbkdf2-sha256$1$not base64$x"));
        Assert.False(UserPasswords.Verify("open sesame", null));
        // A fresh salt each time: equal passwords do not give equal hashes.
        Assert.NotEqual(UserPasswords.Hash("open sesame"), UserPasswords.Hash("open sesame"));
    }
}

public sealed class SqliteUserDirectorySpec() : UserDirectorySpec(new SqliteTestDatabases());

[PostgresSpec]
public sealed class PostgreSqlUserDirectorySpec() : UserDirectorySpec(new PostgresTestDatabases());
