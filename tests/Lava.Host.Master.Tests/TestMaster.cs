using System.Net.Http.Json;
using System.Net.Http.Headers;
using Lava.Actors.Lab;
using Lava.Actors.Lab.Store;
using Lava.Host.Master;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Lava.Host.Master.Tests;

/// <summary>
/// A real master (Kestrel on a free loopback port) over a temporary data directory; <see cref="RestartAsync"/> keeps
/// the directory, <see cref="DisposeAsync"/> stops the master and deletes it.
/// </summary>
internal sealed class TestMaster : IAsyncDisposable
{
    private readonly Func<MasterOptions, MasterOptions> _configure;
    private WebApplication _app = null!;

    private TestMaster(string dataDir, Func<MasterOptions, MasterOptions> configure) => (DataDir, _configure) = (dataDir, configure);

    public string DataDir { get; }

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _app.Services;

    public string AdminToken => File.ReadAllText(Path.Combine(DataDir, "admin.token")).Trim();

    /// <summary>Starts a master with the defaults of a fresh data directory, changed by <paramref name="configure"/> (e.g. its database).</summary>
    public static async Task<TestMaster> StartAsync(Func<MasterOptions, MasterOptions>? configure = null)
    {
        var master = new TestMaster(Path.Combine(Path.GetTempPath(), "lava-master-" + Guid.NewGuid().ToString("N")), configure ?? (o => o));
        await master.StartAppAsync();
        return master;
    }

    /// <summary>A client that sends <paramref name="token"/> (the admin's by default; none when empty).</summary>
    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        token ??= AdminToken;
        if (token.Length > 0)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Token", token);
        }

        return client;
    }

    /// <summary>
    /// Worker w1 (never started), device type qemu and the idle, good device qemu01 on w1: a job for qemu is accepted
    /// and waits for its device.
    /// </summary>
    public async Task AddWaitingQemuDeviceAsync()
    {
        using (var admin = Client())
        {
            (await admin.PostAsJsonAsync("api/v0.2/workers/", new { hostname = "w1" })).EnsureSuccessStatusCode();
        }
        var store = Services.GetRequiredService<LabStore>();
        await store.TryAddDeviceTypeAsync(DeviceType.Default("qemu"));
        await store.TryAddDeviceAsync(new Device("qemu01", "qemu", "w1", "", "{% extends 'qemu.jinja2' %}\n", DeviceState.Idle, DeviceHealth.Good));
    }

    /// <summary>Stops the master, runs <paramref name="whileStopped"/> (to change its files), and starts it again.</summary>
    public async Task RestartAsync(Action? whileStopped = null)
    {
        await StopAppAsync();
        whileStopped?.Invoke();
        await StartAppAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAppAsync();
        Directory.Delete(DataDir, recursive: true);
    }

    private async Task StartAppAsync()
    {
        _app = await MasterHost.CreateAsync(_configure(MasterOptions.ForDataDir(DataDir)));
        await _app.StartAsync();
        var address = MasterHost.HttpAddresses(_app).Single();
        Assert.DoesNotContain(":0", address[^2..], StringComparison.Ordinal);
        BaseAddress = new Uri(address + "/");
    }

    private async Task StopAppAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        // Pooled SQLite connections keep lava.db open; the next start or the directory deletion needs it closed.
        SqliteConnection.ClearAllPools();
    }
}
