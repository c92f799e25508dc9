using System.Runtime.Versioning;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Lava.Host.Master.Tests;

public sealed class AdminTokenSpec : IAsyncLifetime
{
    private TestMaster _master = null!;

    public async Task InitializeAsync() => _master = await TestMaster.StartAsync();

    public async Task DisposeAsync() => await _master.DisposeAsync();

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task Admin_token_must_be_written_once_with_mode_0600_and_reused_after_a_restart()
    {
        var path = Path.Combine(_master.DataDir, "admin.token");
        var token = _master.AdminToken;
        var written = File.GetLastWriteTimeUtc(path);

        await _master.RestartAsync();

        Assert.Matches("^[0-9a-f]{40}$", token);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal(token, _master.AdminToken);
        Assert.Equal(written, File.GetLastWriteTimeUtc(path));
        using var client = _master.Client(token);
        Assert.Equal("admin", (await client.GetFromJsonAsync<JsonElement>("api/v0.2/system/whoami/")).GetProperty("user").GetString());
    }

    [Fact]
    public async Task Admin_token_must_be_stored_only_as_a_hash()
    {
        var token = _master.AdminToken;

        await _master.RestartAsync();

        var database = await File.ReadAllBytesAsync(Path.Combine(_master.DataDir, "lava.db"));
        Assert.DoesNotContain(token, System.Text.Encoding.ASCII.GetString(database), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_token_file_must_be_adopted_and_kept_when_the_database_is_new()
    {
        var token = _master.AdminToken;

        await _master.RestartAsync(whileStopped: () =>
        {
            foreach (var file in Directory.GetFiles(_master.DataDir, "lava.db*"))
            {
                File.Delete(file);
            }
        });

        Assert.Equal(token, _master.AdminToken);
        using var client = _master.Client(token);
        Assert.Equal("admin", (await client.GetFromJsonAsync<JsonElement>("api/v0.2/system/whoami/")).GetProperty("user").GetString());
    }
}
