using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Lava.Actors.Lab;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Lava.Host.Master.Tests;

/// <summary>Users, their tokens and groups through the REST API of a real master: superusers manage them; nobody else may.</summary>
public sealed class UsersApiSpec : IAsyncLifetime
{
    private TestMaster _master = null!;

    public async Task InitializeAsync() => _master = await TestMaster.StartAsync();

    public async Task DisposeAsync() => await _master.DisposeAsync();

    [Fact]
    public async Task A_superuser_must_create_a_user_whose_token_works_and_put_them_in_a_group()
    {
        using var admin = _master.Client();

        using var created = await admin.PostAsJsonAsync("api/v0.2/users/", new { username = "alice" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        using var alice = _master.Client(token);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("api/v0.2/workers/")).StatusCode);

        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync("api/v0.2/groups/", new { name = "lab" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync("api/v0.2/groups/lab/members/", new { username = "alice" })).StatusCode);

        var group = await admin.GetFromJsonAsync<JsonElement>("api/v0.2/groups/lab/");
        Assert.Equal(["alice"], group.GetProperty("members").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(["lab"], await _master.Services.GetRequiredService<IUserDirectory>().GroupsOfAsync("alice"));
    }

    [Fact]
    public async Task An_ordinary_user_must_be_refused_user_and_group_changes_and_change_nothing()
    {
        using var admin = _master.Client();
        using var created = await admin.PostAsJsonAsync("api/v0.2/users/", new { username = "bob" });
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;
        using var bob = _master.Client(token);

        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PostAsJsonAsync("api/v0.2/users/", new { username = "mallory", is_superuser = true })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PostAsJsonAsync("api/v0.2/groups/", new { name = "lab" })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PostAsync("api/v0.2/users/admin/tokens/", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await bob.PostAsync("api/v0.2/users/bob/tokens/", null)).StatusCode);

        var directory = _master.Services.GetRequiredService<IUserDirectory>();
        Assert.Equal(["admin", "bob"], (await directory.ListUsersAsync()).Select(u => u.Username));
        Assert.Empty(await directory.ListGroupsAsync());
    }

    [Fact]
    public async Task Bad_names_and_missing_members_must_be_refused_naming_the_field()
    {
        using var admin = _master.Client();

        using var badName = await admin.PostAsJsonAsync("api/v0.2/users/", new { username = "no spaces" });
        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        Assert.Equal("username", (await badName.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("field").GetString());

        await admin.PostAsJsonAsync("api/v0.2/groups/", new { name = "lab" });
        using var ghost = await admin.PostAsJsonAsync("api/v0.2/groups/lab/members/", new { username = "ghost" });
        Assert.Equal(HttpStatusCode.BadRequest, ghost.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync("api/v0.2/groups/nope/members/", new { username = "admin" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync("api/v0.2/users/", new { username = "admin" })).StatusCode);
    }
}
