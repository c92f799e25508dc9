using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;
using Xunit;

namespace Lava.Integration.Tests.Ui;

/// <summary>
/// One lab for the browser specs: a real master, a worker with simulated devices (qemu01, qemu02 of type qemu), a
/// user <see cref="UserName"/> with a password, and Debian's chromium driven headless through Playwright (never a
/// downloaded browser). The specs share it (one collection), each with pages of its own.
/// </summary>
public sealed class UiLab : IAsyncLifetime
{
    public const string UserName = "alice";
    public const string Password = "correct horse battery";

    /// <summary>The device type the lab's devices have and whose jobs run on them.</summary>
    public const string DeviceType = "qemu";

    /// <summary>A device type whose one device is in Maintenance: its jobs wait in the queue for ever.</summary>
    public const string IdleDeviceType = "idle";

    private TestCluster? _cluster;
    private IPlaywright? _playwright;

    internal MasterNode Master { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public Uri BaseUrl => Master.Api;

    /// <summary>A device type whose one device (hc01) has a health-check job.</summary>
    public const string HealthCheckedType = "hc";

    /// <summary>The admin's web UI password (the admin exists from the master's start).</summary>
    public const string AdminPassword = "admin password";

    /// <summary>A job definition: public unless said otherwise, on <see cref="DeviceType"/> unless said otherwise.</summary>
    public static string Job(string name, string visibility = "public", string deviceType = DeviceType, int tests = 1) => $"""
        device_type: {deviceType}
        job_name: {name}
        priority: medium
        visibility: {visibility}
        timeouts:
          job:
            minutes: 10
        actions:
        - deploy:
            to: tmpfs
            images:
              kernel:
                url: file:///srv/vmlinuz
        - boot:
            method: qemu
            media: tmpfs
        {string.Concat(Enumerable.Range(1, tests - 1).Select(n => $"- test:\n    definitions:\n    - from: inline\n      name: wait{n}\n      path: inline/wait{n}.yaml\n      repository:\n        metadata:\n          format: Lava-Test Test Definition 1.0\n          name: wait{n}\n        run:\n          steps:\n          - sleep 1\n"))}- test:
            definitions:
            - from: inline
              name: smoke
              path: inline/smoke.yaml
              repository:
                metadata:
                  format: Lava-Test Test Definition 1.0
                  name: smoke
                run:
                  steps:
                  - lava-test-case pass --shell true

        """;

    public async Task InitializeAsync()
    {
        _cluster = new TestCluster();
        Master = await _cluster.StartMasterAsync();
        var workerConfig = _cluster.WriteConfig("worker.conf", "lava.worker.simulated-devices = on\nlava.worker.simulated-step-delay = 400ms\n");
        await _cluster.StartWorkerAsync("sim-1", _cluster.WriteCredentials(await Master.AddWorkerAsync("sim-1")), configPath: workerConfig);
        await Master.WaitForWorkerStateAsync("sim-1", "Online");
        using (var client = Master.Client())
        {
            await PostAsync(client, "api/v0.2/devicetypes/", new { name = DeviceType });
            await PostAsync(client, "api/v0.2/devicetypes/", new { name = IdleDeviceType });
            // Submissions need a device of their type; one in Maintenance never runs them.
            await PostAsync(client, "api/v0.2/devices/", new { hostname = "idle01", device_type = IdleDeviceType, worker_host = "sim-1", health = "Maintenance" });
            foreach (var device in new[] { "qemu01", "qemu02" })
            {
                await PostAsync(client, "api/v0.2/devices/", new { hostname = device, device_type = DeviceType, worker_host = "sim-1" });
                await PostAsync(client, $"api/v0.2/devices/{device}/dictionary/", new { dictionary = "{% extends 'qemu.jinja2' %}\n" });
                await PostAsync(client, $"api/v0.2/devices/{device}/set_health/", new { health = "Good" });
            }
            await PostAsync(client, "api/v0.2/devicetypes/", new { name = HealthCheckedType });
            await PostAsync(client, $"api/v0.2/devicetypes/{HealthCheckedType}/health-check/", new { config = Job("health check", deviceType: HealthCheckedType) });
            await PostAsync(client, "api/v0.2/devices/", new { hostname = "hc01", device_type = HealthCheckedType, worker_host = "sim-1" });
            await PostAsync(client, "api/v0.2/devices/hc01/dictionary/", new { dictionary = "{% extends 'qemu.jinja2' %}\n" });
            await PostAsync(client, "api/v0.2/devices/hc01/set_health/", new { health = "Good" });
            await PostAsync(client, "api/v0.2/users/", new { username = UserName, is_superuser = false });
            await PostAsync(client, $"api/v0.2/users/{UserName}/password/", new { password = Password });
            await PostAsync(client, "api/v0.2/users/admin/password/", new { password = AdminPassword });
        }

        _playwright = await Playwright.CreateAsync();
        Browser = await LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    /// <summary>A fresh browser context (its own cookies) at phone or desktop width, and a page in it.</summary>
    public Task<IPage> NewPageAsync(bool phone = false) => NewPageAsync(Browser, BaseUrl, phone);

    /// <summary>A fresh context of <paramref name="browser"/> on <paramref name="baseUrl"/>, and a page in it.</summary>
    internal static async Task<IPage> NewPageAsync(IBrowser browser, Uri baseUrl, bool phone = false)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl.ToString(),
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout((float)LavaProcesses.Dilated(TimeSpan.FromSeconds(20)).TotalMilliseconds);
        return await context.NewPageAsync();
    }

    /// <summary>Signs <see cref="UserName"/> in through the sign-in form.</summary>
    public static async Task SignInAsync(IPage page, string user = UserName, string password = Password)
    {
        await page.GotoAsync("/login");
        await page.FillAsync("input[name=username]", user);
        await page.FillAsync("input[name=password]", password);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForSelectorAsync($"text=Signed in as {user}");
    }

    /// <summary>Saves the page as TestResults/ui/NAME.png at the repository's root.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var directory = Path.Combine(RepositoryRoot(), "TestResults", "ui");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name + ".png"), FullPage = true });
    }

    /// <summary>
    /// Runs a browser spec's steps; when one fails, saves the page as TestResults/ui/NAME-failed.png and fails with the
    /// master's last output lines beside the browser's message.
    /// </summary>
    public Task RunAsync(IPage page, string name, Func<Task> steps) => RunAsync(page, name, Master, steps);

    /// <summary><see cref="RunAsync(IPage, string, Func{Task})"/> against any lab's <paramref name="master"/>.</summary>
    internal static async Task RunAsync(IPage page, string name, MasterNode master, Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch (Exception e) when (e is PlaywrightException or TimeoutException)
        {
            await ScreenshotAsync(page, name + "-failed");
            var output = master.Process.Lines;
            Assert.Fail($"{e.Message}\nat {page.Url}\nmaster:\n{string.Join('\n', output.Skip(Math.Max(0, output.Count - 40)))}");
        }
    }

    /// <summary>Submits <paramref name="definition"/> through the REST API as the admin; the new job's id.</summary>
    public async Task<long> SubmitAsync(string definition)
    {
        using var client = Master.Client();
        using var response = await client.PostAsJsonAsync("api/v0.2/jobs/", new { definition });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.IsSuccessStatusCode, $"submitting: {(int)response.StatusCode} {body}");
        return body.GetProperty("job_ids")[0].GetInt64();
    }

    /// <summary>The job's state as the REST API shows it.</summary>
    public async Task<string> JobStateAsync(long id)
    {
        using var client = Master.Client();
        return (await client.GetFromJsonAsync<JsonElement>($"api/v0.2/jobs/{id}/")).GetProperty("state").GetString()!;
    }

    public static async Task PostAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PostAsJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>Debian's chromium, headless.</summary>
    internal static Task<IBrowser> LaunchAsync(IPlaywright playwright) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium(), Headless = true });

    private static string Chromium()
    {
        foreach (var candidate in new[] { "/usr/bin/chromium" }.Concat(
            (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, "chromium"))))
        {
            if (File.Exists(candidate)) return candidate;
        }
        throw new InvalidOperationException("chromium is not installed (apt-get install chromium; ./lava test installs it)");
    }

    private static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Lava.sln"))) root = root.Parent;
        return root?.FullName ?? throw new InvalidOperationException($"Lava.sln not found above {AppContext.BaseDirectory}");
    }
}

/// <summary>The browser specs share one lab.</summary>
[CollectionDefinition(Name)]
public sealed class UiCollection : ICollectionFixture<UiLab>
{
    public const string Name = "ui";
}
